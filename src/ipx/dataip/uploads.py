"""The deposit upload's handler: the data set's SHA-256 computed from the chunks as they
arrive, so a 2 GB file is hashed once, while it is written to a temporary file, and never held
in memory. Installed on the application form's view only (``hashing_uploads``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

DEPOSIT_FIELD = "deposit"


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes every upload to a temporary file (as Django's own handler does) and, for the
    deposit field, sets ``.sha256`` on the finished file; the other fields pass through."""

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.digest = hashlib.sha256() if field_name == DEPOSIT_FIELD else None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.digest is not None:
            self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        file = super().file_complete(file_size)
        if file is not None and self.digest is not None:
            # The digest rides on the upload to the service, which asks for it with getattr
            # (Django's uploaded files have no such attribute to declare it on).
            file.sha256 = self.digest.hexdigest()  # type: ignore[attr-defined]
        return file


def hashing_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Put the hashing handler in front for this view. The handlers must be changed before
    anything reads ``request.POST``, which the CSRF check does: so the view is exempt from the
    middleware's check and checked here instead, after the handler is installed."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [HashingUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
