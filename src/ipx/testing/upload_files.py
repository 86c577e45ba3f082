"""Small real files to upload in tests: a picture, a PDF and a patent inventory (CSV)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from ipx.testing.factories import valid_application_number


def png_upload(name: str = "scan.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_upload(name: str = "document.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def patent_csv(serial: int = 1) -> SimpleUploadedFile:
    rows = [
        "Application number,Title,Kind,Filing date,IPC codes,Legal status",
        f"{valid_application_number(9000 + serial)},一种储能电池管理方法{serial},invention,2021-03-01,H01M,pending",
    ]
    return SimpleUploadedFile(f"patents-{serial}.csv", ("\r\n".join(rows) + "\r\n").encode(), content_type="text/csv")
