"""HTMX requests: which of them want only a part of the page."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx_fragment(request: HttpRequest) -> bool:
    """An HTMX request for a part of the page (a history restore wants the whole page)."""
    headers = request.headers
    return bool(headers.get("HX-Request")) and not headers.get("HX-History-Restore-Request")
