"""Checking uploaded documents and pictures before anything keeps them.

The content decides, not the name: a ``.pdf`` must start with ``%PDF-``, end with
``%%EOF`` and parse as a PDF with at least one page; a picture must open and verify with
Pillow as the format its extension names. Every file has a size limit and may not be
empty; its name is cleaned (it is shown to people, never used as a path) and its SHA-256
computed, so storage can use a generated name. A refusal is a ``ValidationFailed`` naming
the file, e.g. "report.pdf is not a PDF file".

Limits come from settings: ``IPX_ATTACHMENT_MAX_BYTES`` (default 10 MB per file) and
``IPX_ATTACHMENT_MAX_FILES`` (default 5 files at once).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from ipx.core.errors import ValidationFailed

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_FILES = 5
# Beyond this a picture is refused before Pillow decodes anything: a small file can claim
# an enormous canvas (a "decompression bomb").
MAX_PIXELS = 50_000_000
MAX_NAME_LENGTH = 200
# %%EOF must appear within this many bytes of the end (writers may add a newline or padding).
_EOF_WINDOW = 2048
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FileKind:
    label: str  # how people name it, for messages
    content_type: str
    pillow_format: str  # "" for PDF


PDF = FileKind("PDF", "application/pdf", "")
PNG = FileKind("PNG", "image/png", "PNG")
JPEG = FileKind("JPEG", "image/jpeg", "JPEG")
WEBP = FileKind("WebP", "image/webp", "WEBP")
GIF = FileKind("GIF", "image/gif", "GIF")

KINDS: dict[str, FileKind] = {
    ".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".webp": WEBP, ".gif": GIF,
}
ACCEPT = ",".join(KINDS)  # for <input type="file" accept="...">


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that passed every check, ready to store under a generated name."""

    file: IO[bytes]
    name: str  # cleaned original name, for display and downloads
    extension: str  # lower case, with the dot: ".pdf"
    content_type: str
    size: int
    sha256: str

    def as_django_file(self) -> File[bytes]:
        self.file.seek(0)
        return File(self.file, name=self.name)


def max_bytes() -> int:
    return int(getattr(settings, "IPX_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "IPX_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


def size_label(size: int) -> str:
    """"10 MB" for whole megabytes (as people state limits), else Django's own wording."""
    if size >= MB and size % MB == 0:
        return _("%(n)d MB") % {"n": size // MB}
    return str(filesizeformat(size))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def sanitise_name(name: object) -> str:
    """A name safe to show and to offer in a download header: no folders, no control or
    reserved characters, no leading dots, at most MAX_NAME_LENGTH characters (the extension
    kept)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = " ".join(text.split())  # tabs and line breaks become single spaces
    text = _UNSAFE.sub("", text).strip().lstrip(". ")
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:MAX_NAME_LENGTH]
    return text


def _extension(name: str) -> str:
    _stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot else ""


def _digest_and_size(file: IO[bytes]) -> tuple[str, int]:
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


class _Encrypted(Exception):
    """A PDF that needs a password to read: refused with its own message."""


def _is_pdf(file: IO[bytes], size: int) -> bool:
    file.seek(0)
    if file.read(5) != b"%PDF-":
        return False
    file.seek(max(0, size - _EOF_WINDOW))
    if b"%%EOF" not in file.read(_EOF_WINDOW):
        return False
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(file, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                # Still a PDF; the caller words this refusal itself.
                raise _Encrypted
            return len(reader.pages) > 0
    except _Encrypted:
        raise
    except Exception:  # pypdf raises many kinds of errors on malformed input; all mean "not a PDF"
        return False
    finally:
        file.seek(0)


def _is_picture(file: IO[bytes], kind: FileKind) -> bool:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as picture:
                if picture.format != kind.pillow_format:
                    return False
                width, height = picture.size
                if width * height > MAX_PIXELS:
                    return False
                picture.verify()
        return True
    except Exception:  # Pillow reports broken or foreign content in many ways; all mean "not a picture"
        return False
    finally:
        file.seek(0)


def check_upload(file: IO[bytes] | Any, *, name: str | None = None, field: str = "file",
                 limit: int | None = None) -> CheckedFile:
    """Check one uploaded file; ``name`` defaults to the upload's own name."""
    raw_name = name if name is not None else getattr(file, "name", "")
    clean = sanitise_name(raw_name)
    shown = clean or _("The file")
    limit = max_bytes() if limit is None else limit
    extension = _extension(clean)
    kind = KINDS.get(extension)
    if kind is None:
        raise ValidationFailed.for_field(field, _(
            "%(name)s is not a kind of file accepted here; upload a PDF, PNG, JPEG, WebP or GIF file."
        ) % {"name": shown})
    # The declared size lets an oversized upload be refused before it is read.
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise ValidationFailed.for_field(field, _("%(name)s is larger than %(limit)s.")
                                         % {"name": shown, "limit": size_label(limit)})
    sha256, size = _digest_and_size(file)
    if size == 0:
        raise ValidationFailed.for_field(field, _("%(name)s is empty.") % {"name": shown})
    if size > limit:
        raise ValidationFailed.for_field(field, _("%(name)s is larger than %(limit)s.")
                                         % {"name": shown, "limit": size_label(limit)})
    if kind is PDF:
        try:
            valid = _is_pdf(file, size)
        except _Encrypted:
            raise ValidationFailed.for_field(field, _(
                "%(name)s is protected by a password; upload it without one.") % {"name": shown}) from None
    else:
        valid = _is_picture(file, kind)
    if not valid:
        raise ValidationFailed.for_field(field, _("%(name)s is not a %(kind)s file.")
                                         % {"name": shown, "kind": kind.label})
    return CheckedFile(file=file, name=clean, extension=".jpg" if kind is JPEG else extension,
                       content_type=kind.content_type, size=size, sha256=sha256)


def check_uploads(files: Sequence[IO[bytes] | Any], *, field: str = "files",
                  limit_files: int | None = None) -> list[CheckedFile]:
    """Check several files at once; one error names every refused file."""
    limit_files = max_files() if limit_files is None else limit_files
    if len(files) > limit_files:
        raise ValidationFailed.for_field(field, _("Attach at most %(n)d files at a time.") % {"n": limit_files})
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for file in files:
        try:
            checked.append(check_upload(file, field=field))
        except ValidationFailed as exc:
            problems.append(exc.fields.get(field, exc.message))
    if problems:
        raise ValidationFailed.for_field(field, " ".join(problems))
    return checked
