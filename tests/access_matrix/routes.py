"""Every address the exchange answers, read from the URL configuration: the pages (each
tried with GET and POST), the API's operations with their methods (from its OpenAPI
document), and the back-office's addresses (covered by one rule: staff only)."""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

import ipx.urls
from ipx.api.api import api

API_PREFIX = "api/v1/"
ADMIN_PREFIX = "admin/"
PAGE_METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Pattern:
    route: str  # as the resolver spells it, e.g. "listings/<id:listing_id>/edit/"
    name: str
    module: str


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            callback = pattern.callback
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield Pattern(prefix + str(pattern.pattern), name, getattr(callback, "__module__", "") or "")


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


def is_api_operation(pattern: Pattern) -> bool:
    """An operation of the API (ninja's own documentation and root are pages)."""
    return pattern.route.startswith(API_PREFIX) and pattern.module.startswith("ninja.operation")


def page_patterns() -> list[Pattern]:
    return [p for p in all_patterns() if not p.route.startswith(ADMIN_PREFIX) and not is_api_operation(p)]


def admin_patterns() -> list[Pattern]:
    return [p for p in all_patterns() if p.route.startswith(ADMIN_PREFIX)]


def page_keys() -> set[tuple[str, str]]:
    return {(p.route, method) for p in page_patterns() for method in PAGE_METHODS}


def debug_page_keys() -> set[tuple[str, str]]:
    """The pages the URL configuration adds when DEBUG is on (``ipx serve --dev``): read by
    running it again with DEBUG set, without touching the loaded one."""
    with override_settings(DEBUG=True):
        urlconf = runpy.run_path(str(Path(ipx.urls.__file__)))
    patterns = [
        p for p in _walk(urlconf["urlpatterns"]) if not p.route.startswith(ADMIN_PREFIX) and not is_api_operation(p)
    ]
    return {(p.route, method) for p in patterns for method in PAGE_METHODS}


def api_operations() -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every operation the API documents."""
    paths = api.get_openapi_schema()["paths"]
    return {(path, method.upper()) for path, operations in paths.items() for method in operations}


def api_routes_undocumented() -> set[str]:
    """API operations the resolver serves that the OpenAPI document does not list."""
    documented = {path for path, _method in api_operations()}
    served = {"/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", p.route) for p in all_patterns() if is_api_operation(p)}
    return served - documented
