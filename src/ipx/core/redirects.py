"""Where a page may send the reader next: only to this site.

Every ``next=`` a form or link carries, and every stored link followed on a click, passes
through ``local_url``; anything that leaves the site (``https://evil.example/``,
``//evil.example``, ``javascript:``) falls back to the page's own default.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """``candidate`` if it stays on this site, else ``fallback``."""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback
