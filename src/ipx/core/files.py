"""Files people upload and the exchange keeps (a message's attachments, a listing's
documents, contracts, import files): stored once checked (``ipx.core.uploads``) in the
private storage (``ipx.core.storage``) under a random name, and served only as answers of
views that have checked who asks.

A stored name is ``<kind>/<yyyy>/<mm>/<32 random hex digits><extension>``: nothing in it
(no id, no content digest) lets anyone who learns one name guess another. The original
name is kept in a field and shown to people; it is never used as a path. Every
access-checked view answers with ``private_file_response``.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
import secrets
from typing import ClassVar
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.core.errors import NotFound
from ipx.core.uploads import CheckedFile

# An extension kept on a stored name: a dot and a few letters or digits, nothing a path or
# a shell could read otherwise.
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
# Printable ASCII: sent as it is, in a quoted string (backslash and quote escaped).
_PLAIN_HEADER_NAME = re.compile(r"[\x20-\x7e]*")


def random_private_name(kind: str, extension: str) -> str:
    """``<kind>/<yyyy>/<mm>/<random><extension>``: 128 random bits, so a name is neither
    guessed nor derived from another; the month folders keep directories small."""
    extension = extension.lower()
    if not _SAFE_EXTENSION.fullmatch(extension):
        extension = ""
    return f"{kind}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"


@deconstructible
class RandomPrivateName:
    """A ``FileField``'s ``upload_to``: a random name under ``kind``, keeping only the
    extension of the name the file came with."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, instance: models.Model, filename: str) -> str:
        return random_private_name(self.kind, posixpath.splitext(filename)[1])

    def __eq__(self, other: object) -> bool:
        # Migrations compare the old field with the new one; equal kinds are no change.
        return isinstance(other, RandomPrivateName) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


def stored_file_path(instance: StoredFile, filename: str) -> str:
    """A random name under the model's kind, with the extension its content was checked as."""
    return random_private_name(instance.storage_kind, instance.extension)


class StoredFile(models.Model):
    """A kept file and what is known of it. A model that inherits names its kind of files
    (``storage_kind``, the first folder of their stored names) and stores one with ``store``."""

    storage_kind: ClassVar[str]

    file = models.FileField(upload_to=stored_file_path, max_length=200)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    content_type = models.CharField(gettext_lazy("type"), max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(gettext_lazy("size"))
    # For integrity checks only: the digest is not part of the stored name.
    sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def store(self, checked: CheckedFile) -> None:
        """Take a checked file's content and facts; the row itself is saved by the caller,
        after everything else was checked, so a refusal leaves no row behind."""
        self.original_name = checked.name
        self.content_type = checked.content_type
        self.extension = checked.extension
        self.size = checked.size
        self.sha256 = checked.sha256
        self.file.save(checked.name, checked.as_django_file(), save=False)


def content_disposition(filename: str, *, as_attachment: bool) -> str:
    """The header of RFC 6266: a plain quoted name when it is printable ASCII; otherwise an
    ASCII stand-in for old clients and the real name as ``filename*=UTF-8''…`` (RFC 8187),
    which every current browser prefers, so a Chinese file name arrives intact."""
    disposition = "attachment" if as_attachment else "inline"
    if _PLAIN_HEADER_NAME.fullmatch(filename):
        escaped = filename.replace("\\", "\\\\").replace('"', '\\"')
        return f'{disposition}; filename="{escaped}"'
    extension = posixpath.splitext(filename)[1].lower()
    fallback = "download" + (extension if _SAFE_EXTENSION.fullmatch(extension) else "")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def private_file_response(file: FieldFile, *, filename: str, content_type: str | None = None,
                          as_attachment: bool = True, missing: str | None = None) -> HttpResponseBase:
    """The one way a private file leaves the exchange, once the caller has checked who asks.

    With ``IPX_FILES_ACCEL_PREFIX`` set (production behind nginx) the answer is empty and
    carries ``X-Accel-Redirect: <prefix>/<stored name>``: nginx sends the file from its
    ``internal`` location, which no client can address itself. Otherwise the file is
    streamed. Either way it goes under ``filename`` (the name people gave it, never the
    stored one), is never cached by shared caches and never sniffed into another type.
    ``missing`` is the message when the file is gone."""
    name = file.name
    if not name or not file.storage.exists(name):
        raise NotFound(missing or _("The file is no longer available."))
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response: HttpResponseBase
    prefix = settings.IPX_FILES_ACCEL_PREFIX.rstrip("/")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
    else:
        try:
            handle = file.open("rb")
        except (FileNotFoundError, ValueError):
            raise NotFound(missing or _("The file is no longer available.")) from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
