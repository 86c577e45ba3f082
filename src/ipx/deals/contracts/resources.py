"""What a contract may load while it is made into a PDF: the exchange's own static files, and
nothing else.

WeasyPrint fetches every URL a document names (pictures, style sheets, fonts) with a fetcher;
its own reads any file the server may read (``file:///etc/passwd``) and any address the
server may reach (``http://169.254.169.254/``, an intranet). A contract carries the parties'
text, so its PDF is made with ``static_files_only``: a URL under ``STATIC_URL`` is read from
the collected static files (``STATIC_ROOT``) or, before they are collected, from where the
staticfiles finders find them; every other URL is refused and never opened. Relative URLs
(``{% static %}`` gives ``/static/...``) are resolved against ``BASE_URL``.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation


class ResourceRefused(ValueError):
    """A contract named a URL that is not one of the exchange's static files."""


def _static_prefix() -> str:
    return urlsplit(settings.STATIC_URL or "/static/").path or "/static/"


def base_url() -> str:
    """Where a contract's relative URLs point: the static files' path, read by ``static_files_only``."""
    return f"file://{_static_prefix()}"


def _static_name(url: str) -> str | None:
    """The static file ``url`` names (``ipx/ipx.css``), or None when it names anything else."""
    static_url = settings.STATIC_URL or ""
    if urlsplit(static_url).scheme and url.startswith(static_url):  # static files served from elsewhere
        name = urlsplit(url[len(static_url):]).path
    else:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc or not parts.path.startswith(_static_prefix()):
            return None
        name = parts.path[len(_static_prefix()):]
    name = unquote(name)
    # Only a plain relative name below the static root: no "..", no absolute path, no backslash.
    if not name or "\\" in name or "\0" in name or posixpath.normpath(name) != name or name.startswith(("/", "..")):
        return None
    return name


def _static_file(name: str) -> Path | None:
    root = Path(settings.STATIC_ROOT).resolve() if settings.STATIC_ROOT else None
    if root is not None:
        collected = (root / name).resolve()
        if collected.is_relative_to(root) and collected.is_file():
            return collected
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if isinstance(found, str) and Path(found).is_file():
        return Path(found)
    return None


def static_files_only(url: str, timeout: float = 10, ssl_context: Any = None, **_options: Any) -> dict[str, Any]:
    """A WeasyPrint URL fetcher that answers only with the exchange's static files."""
    name = _static_name(url)
    path = _static_file(name) if name is not None else None
    if path is None:
        raise ResourceRefused(f"a contract loads only the exchange's static files, not {url[:200]!r}")
    mime_type, _encoding = mimetypes.guess_type(path.name)
    return {"string": path.read_bytes(), "mime_type": mime_type or "application/octet-stream",
            "filename": path.name, "redirected_url": url}
