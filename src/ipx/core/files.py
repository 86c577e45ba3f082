"""Files people upload and the exchange keeps (a message's attachments, a listing's
documents): stored once checked (``ipx.core.uploads``), under a name made of their digest,
and served only as downloads to whoever the caller has let through.

The original name is kept in a field and shown to people; it is never used as a path. Files
are not served from a public media address: each app's views and API check who asks, then
answer with ``file_response``.
"""

from __future__ import annotations

from django.db import models
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.core.errors import NotFound
from ipx.core.uploads import CheckedFile


def stored_file_path(instance: StoredFile, filename: str) -> str:
    """``<the model's folder>/<sha256><extension>``: the same content lands in the same place."""
    return f"{instance.storage_folder()}/{instance.sha256}{instance.extension}"


class StoredFile(models.Model):
    """A kept file and what is known of it. A model that inherits says where its files go
    (``storage_folder``) and stores one with ``store``."""

    file = models.FileField(upload_to=stored_file_path, max_length=200)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    content_type = models.CharField(gettext_lazy("type"), max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(gettext_lazy("size"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def storage_folder(self) -> str:
        """The folder under the media root this row's file goes to (no trailing slash)."""
        raise NotImplementedError

    def store(self, checked: CheckedFile) -> None:
        """Take a checked file's content and facts; the row itself is saved by the caller,
        after everything else was checked, so a refusal leaves no row behind."""
        self.original_name = checked.name
        self.content_type = checked.content_type
        self.extension = checked.extension
        self.size = checked.size
        self.sha256 = checked.sha256
        self.file.save(checked.name, checked.as_django_file(), save=False)


def file_response(stored: StoredFile) -> FileResponse:
    """The file as a download under its original name, never shown inline (no content of a
    stranger's file runs in the exchange's pages), and never cached by shared caches."""
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("The file is no longer available.")) from None
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name,
                            content_type=stored.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
