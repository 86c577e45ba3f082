"""A response cache for what anonymous readers see: public pages and API reads.

Only GETs without a session cookie, a pending message or an Authorization header are served
from it; only 200 responses that set no cookie are kept (a page that needed a CSRF cookie is
therefore never shared); and the key holds the content version (``ContentVersion``), which
the events of every listing, asset or organisation change raise after commit. So a reader
never gets a stale answer, each process may keep its own copy (the default local-memory
cache) or share one (Redis, when several servers run), and an anonymous reader costs one
indexed read of the version instead of a search or a rendering. Signed-in readers are never
served from it; the parts of their answers every reader sees alike are kept by the lower apps
under the same version (``ipx.listings.shared``, handed ``shared_answers_version`` when this
middleware starts), and dropped with this cache when it is cleared.

Security headers are not kept with the body: the middleware that sets them (X-Frame-Options,
Content-Security-Policy, Permissions-Policy and the rest) comes before this one, so a replayed
answer gets them on its way out like a fresh one, and a changed policy applies to kept answers
at once. A system check refuses a MIDDLEWARE that puts one of them after the cache.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from ipx.listings.shared import use_content_version
from ipx.web.models import ContentVersion

CACHEABLE = re.compile(
    r"^/(api/v1/(listings/\d+|search/listings)|listings/\d+/|search/|booths/\d+/|stats/|"
    r"catalog/(assets/\d+/|ipc/.*|nice/))?$"
)
# Response headers worth keeping with the body.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")
TIMEOUT_SECONDS = 600
VERSION_ROW = 1
GENERATION_KEY = "shared-answers-generation"
# Middleware whose headers every answer must carry, so they must wrap the cache.
HEADER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
)


def content_version() -> int:
    # Read on every cached answer, anonymous or signed in: one plain statement costs a
    # quarter of the ORM's building the same query.
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = %s", [VERSION_ROW])  # noqa: S608 (our table's name)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def shared_answers_version() -> tuple[int, str]:
    """The content version, and this cache's generation: the answers the lower apps keep in
    each process (``ipx.listings.shared``) are dropped with this cache's own when it is cleared."""
    cache = caches["public"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY, "")
    return content_version(), str(generation)


def raise_content_version(**_payload: Any) -> None:
    """Event handler: something public changed."""
    updated = ContentVersion.objects.filter(pk=VERSION_ROW).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(pk=VERSION_ROW, defaults={"version": 1})


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and bool(CACHEABLE.match(request.path))
    )


def _address_digest(request: HttpRequest) -> str:
    # The address is the reader's to write, at any length: a digest keeps every key short
    # (memcached refuses keys over 250 bytes; Redis stores a long key whole, in memory).
    return hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()


class PublicCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Signed-in readers cannot share whole answers; the lower apps keep the parts every
        # reader gets alike under the same version (``ipx.listings.shared``).
        use_content_version(shared_answers_version)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        cache = caches["public"]
        # HTMX asks for parts of the same URLs; they are other answers.
        part = "part" if request.headers.get("HX-Request") else "page"
        key = f"{content_version()}:{get_language()}:{part}:{_address_digest(request)}"
        kept = cache.get(key)
        if kept is not None:
            headers, body = kept
            return HttpResponse(body, headers=headers)
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (headers, response.content), TIMEOUT_SECONDS)
        return response


@register(Tags.security)
def security_headers_wrap_the_cache(app_configs: Any = None, **_kwargs: Any) -> list[CheckMessage]:
    """Each header middleware is in MIDDLEWARE before the public cache (see the module's doc)."""
    middleware = list(settings.MIDDLEWARE)
    cache = f"{__name__}.{PublicCacheMiddleware.__name__}"
    if cache not in middleware:
        return []
    before = middleware[:middleware.index(cache)]
    return [Error(f"{name} must come before {cache} in MIDDLEWARE, or answers replayed from the public "
                  f"cache lack its headers.", id="ipx.E010")
            for name in HEADER_MIDDLEWARE if name not in before]
