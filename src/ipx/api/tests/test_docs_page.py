"""The API's documentation page loads Swagger UI from the project's own static files: no
other host, no inline script (the Content-Security-Policy refuses both)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ADDRESSES = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_the_docs_page_references_only_local_static_files() -> None:
    response = Client().get("/api/v1/docs")
    page = response.content.decode()
    addresses = ADDRESSES.findall(page)
    assert (response.status_code, len(addresses)) == (200, 5)
    assert all(address.startswith("/static/") for address in addresses), addresses
    assert all(finders.find(address.removeprefix("/static/")) for address in addresses), addresses
    assert "http:" not in page and "https:" not in page and "//" not in "".join(addresses)
    assert 'data-openapi-url="/api/v1/openapi.json"' in page


def test_the_docs_page_has_no_inline_script() -> None:
    page = Client().get("/api/v1/docs").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 2
    assert all('src="/static/' in attributes and body.strip() == "" for attributes, body in scripts)
    assert re.search(r"\son[a-z]+\s*=", page) is None  # no inline event handlers either


def test_swagger_ui_is_kept_with_its_licence() -> None:
    for name in ("LICENSE", "NOTICE", "swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui.css.map"):
        assert finders.find(f"api/swagger-ui/{name}"), name
    # The initialiser talks to no validator on another host.
    assert "validatorUrl: null" in Path(str(finders.find("api/docs.js"))).read_text(encoding="utf-8")
