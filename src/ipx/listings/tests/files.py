"""Small real files for upload tests (a PDF made with pypdf, a PNG made with Pillow) and a
published listing to attach them to."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from ipx.listings.models import Listing
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def published_listing(member: Member, **fields: Any) -> Listing:
    return listing_with_patent(member.organisation, member.user, status=Listing.Status.PUBLISHED,
                               published_at=timezone.now(), price_amount=Decimal("120000.00"), **fields)
