"""Where a page may send the reader next: only to this site.

Every ``next=`` a form or link carries, and every stored link followed on a click, passes
through ``local_url``; anything that leaves the site (``https://evil.example/``,
``//evil.example``, ``javascript:``) falls back to the page's own default, and so does text
that is no address at all (``-1``, ``home``: Django would take it for a view's name).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """``candidate`` if it stays on this site, else ``fallback``."""
    if candidate and _is_address(candidate) and url_has_allowed_host_and_scheme(
            candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return fallback


def _is_address(candidate: str) -> bool:
    """A path or a web address, not a bare word; nothing a header cannot carry (a NUL, a
    control character), which a browser's own form never sends."""
    if not candidate.isprintable():
        return False
    if candidate.startswith("/"):
        return True
    try:
        return urlsplit(candidate).scheme in ("http", "https")
    except ValueError:  # a malformed address such as "http://[::1"
        return False
