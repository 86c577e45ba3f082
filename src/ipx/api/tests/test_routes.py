"""The API's addresses, grouped for the resolver, still lead where ninja's flat list led."""

from __future__ import annotations

import re
from functools import partial

from django.urls import URLPattern, resolve, reverse

from ipx.api.api import api


def _sample(kwargs: dict[str, str], found: re.Match[str]) -> str:
    return kwargs[found.group(1)]


SAMPLES = {"int": "7", "str": "a-b", "slug": "a-b", "uuid": "12345678-1234-1234-1234-123456789abc", "path": "a/b"}


def test_every_address_resolves_to_its_operation_and_reverses_to_itself() -> None:
    patterns = [pattern for pattern in api.urls[0] if isinstance(pattern, URLPattern)]
    assert len(patterns) > 100
    seen: set[str] = set()
    names = [pattern.name for pattern in patterns]
    for pattern in patterns:
        route = str(pattern.pattern)
        if route in seen:  # a second operation at an address: the first one's view answers both
            continue
        seen.add(route)
        kwargs = {name: SAMPLES[kind or "str"] for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)}
        address = "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", partial(_sample, kwargs), route)
        match = resolve(address)
        # The address ninja made is the one that answers (and no address before it).
        assert (match.route, match.url_name, match.kwargs) == ("api/v1/" + route, pattern.name, kwargs), address
        if pattern.name and names.count(pattern.name) == 1:  # a name used twice reverses to its last address
            assert reverse(f"api-1:{pattern.name}", kwargs=kwargs) == address
