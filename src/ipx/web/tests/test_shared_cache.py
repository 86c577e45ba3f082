"""The public cache on Redis, as several servers share it: a lost Redis is a cache miss, never
a failed request, and answers come back to the cache once it returns."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from ipx.core.environment import redis_cache
from ipx.testing.databases import needs_redis
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def _nobody_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def public_cache_at() -> Iterator[Any]:
    def use(location: str) -> Any:
        overrides = override_settings(CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "public": redis_cache(location, "ipx-test-public")})
        overrides.enable()
        used.append(overrides)
        return caches["public"]

    used: list[Any] = []
    yield use
    for overrides in reversed(used):
        overrides.disable()


def test_a_lost_redis_turns_the_public_cache_into_misses_not_errors(public_cache_at: Any, owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, title="锂电池隔膜")
    public_cache_at(_nobody_listening())
    client = Client()
    for _attempt in range(2):
        answer = client.get("/api/v1/search/listings", {"q": "锂电池"})
        assert answer.status_code == 200
    assert client.get(f"/api/v1/listings/{listing.pk}").status_code == 404  # a draft: not public


@pytest.mark.redis
@needs_redis
def test_what_one_server_caches_another_reads(public_cache_at: Any) -> None:
    cache = public_cache_at(os.environ["REDIS_URL"])
    cache.set("answer", (("Content-Type", "application/json"),), 60)
    # A second server is a second connection to the same Redis.
    caches.close_all()
    other = public_cache_at(os.environ["REDIS_URL"])
    assert other.get("answer") == (("Content-Type", "application/json"),)
    other.delete("answer")
