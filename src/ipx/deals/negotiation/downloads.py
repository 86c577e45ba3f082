"""Serving a stored file to someone whose access was checked: pages and the API alike."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from ipx.core.errors import NotFound


def file_response(stored: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """Always as a download, never shown inline (no content of a stranger's file runs in the
    exchange's pages), and never cached by shared caches."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("The file is no longer available.")) from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
