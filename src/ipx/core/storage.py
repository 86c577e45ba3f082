"""The two places uploaded files are kept.

* The private storage (Django's ``default``) holds everything people upload: contracts,
  message attachments, listing and NDA documents, import files. It lives under
  ``IPX_PRIVATE_ROOT``, outside every path a web server or Django serves, and has no URLs:
  a file leaves it only through a view that has checked who asks
  (``ipx.core.files.private_file_response``).
* The public storage (``public``) is ``MEDIA_ROOT``/``MEDIA_URL``, for trademark images,
  which anyone may see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import cached_property


class PrivateFileStorage(FileSystemStorage):
    """A file system storage rooted at ``IPX_PRIVATE_ROOT`` whose files have no address."""

    def __init__(self, location: str | None = None, **options: Any) -> None:
        super().__init__(location=location, **options)
        self._private_location = location
        setting_changed.connect(self._follow_private_root)

    @cached_property
    def base_location(self) -> str:
        return str(self._private_location or settings.IPX_PRIVATE_ROOT)

    def _follow_private_root(self, *, setting: str, **kwargs: Any) -> None:
        # The parent forgets its root when MEDIA_ROOT changes; this one follows its own.
        if setting == "IPX_PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        # A template or API that asks for a private file's URL is a leak in the making: fail
        # loudly instead of printing a /media/ address that must never work.
        raise ValueError("Private files have no URL; serve them through an access-checked view.")


def public_media_storage() -> Storage:
    """The storage of files anyone may see (trademark images). A callable, so a model field
    names it in migrations without freezing its settings."""
    return storages["public"]
