"""Uploaded files are judged by their content: name, size, emptiness and format."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from pytest_django.fixtures import SettingsWrapper

from ipx.core.errors import ValidationFailed
from ipx.core.uploads import check_upload, check_uploads, sanitise_name
from ipx.deals.negotiation.tests.conftest import pdf_bytes, png_bytes, upload


def picture_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 200)).save(out, format=fmt)
    return out.getvalue()


def test_a_real_small_pdf_passes() -> None:
    content = pdf_bytes(pages=2)

    checked = check_upload(upload("权利要求书.pdf", content))

    assert (checked.name, checked.extension, checked.content_type) == ("权利要求书.pdf", ".pdf", "application/pdf")
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(("name", "fmt", "content_type", "extension"), [
    ("drawing.png", "PNG", "image/png", ".png"),
    ("photo.JPEG", "JPEG", "image/jpeg", ".jpg"),
    ("photo.jpg", "JPEG", "image/jpeg", ".jpg"),
    ("sample.webp", "WEBP", "image/webp", ".webp"),
    ("anim.gif", "GIF", "image/gif", ".gif"),
])
def test_pictures_pass_when_the_content_matches_the_extension(name: str, fmt: str, content_type: str,
                                                                extension: str) -> None:
    checked = check_upload(upload(name, picture_bytes(fmt)))
    assert (checked.content_type, checked.extension) == (content_type, extension)


def test_a_pdf_that_is_really_a_png_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_upload(upload("report.pdf", png_bytes()), field="files")
    assert refused.value.fields == {"files": "report.pdf is not a PDF file."}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.png", picture_bytes("JPEG"), "photo.png is not a PNG file."),
    ("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "photo.jpg is not a JPEG file."),
    ("fake.pdf", b"%PDF-1.7\nnothing here\n%%EOF\n", "fake.pdf is not a PDF file."),
    ("cut.pdf", pdf_bytes()[:-200], "cut.pdf is not a PDF file."),
    ("tail.pdf", b"%PDF-1.4\n" + b"x" * 5000, "tail.pdf is not a PDF file."),
    ("empty.pdf", b"", "empty.pdf is empty."),
    ("notes.docx", b"PK\x03\x04", "notes.docx is not a kind of file accepted here; upload a PDF, PNG, JPEG, "
                                  "WebP or GIF file."),
    ("no-extension", pdf_bytes(), "no-extension is not a kind of file accepted here; upload a PDF, PNG, JPEG, "
                                  "WebP or GIF file."),
])
def test_wrong_or_broken_content_is_refused(name: str, content: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_upload(upload(name, content))
    assert refused.value.fields == {"file": message}


def test_an_oversized_file_is_refused(settings: SettingsWrapper) -> None:
    settings.IPX_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = pdf_bytes() + b"\n" * (1024 * 1024)

    with pytest.raises(ValidationFailed) as refused:
        check_upload(upload("scan.pdf", big))

    assert refused.value.fields == {"file": "scan.pdf is larger than 1 MB."}


def test_the_default_limit_is_ten_megabytes() -> None:
    with pytest.raises(ValidationFailed, match=r"big\.png is larger than 10 MB\."):
        check_upload(upload("big.png", b"\x89PNG" + b"\0" * (10 * 1024 * 1024)))


def test_a_picture_claiming_a_huge_canvas_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels, a small file
    with pytest.raises(ValidationFailed, match="is not a PNG file"):
        check_upload(upload("bomb.png", out.getvalue()))


def test_several_files_report_every_refusal_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_uploads([upload("a.pdf", pdf_bytes()), upload("b.pdf", png_bytes()), upload("c.gif", b"")])
    assert refused.value.fields == {"files": "b.pdf is not a PDF file. c.gif is empty."}


def test_at_most_five_files_at_a_time() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_uploads([upload(f"{n}.png", png_bytes()) for n in range(6)])
    assert refused.value.fields == {"files": "Attach at most 5 files at a time."}


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\me\\报告.pdf", "报告.pdf"),
    ("..hidden.png", "hidden.png"),
    ('a<b>:c"d|e?f*g.pdf', "abcdefg.pdf"),
    ("tab\tand\nnewline.pdf", "tab and newline.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_names_are_sanitised(raw: str, clean: str) -> None:
    assert sanitise_name(raw) == clean
