"""Static and public media by one rule: no private file (a contract, a message's attachment, a
listing's document, an import) is reachable at a public address, even with DEBUG on (when
Django itself serves /media/) — only through the access-checked views of the matrix."""

from __future__ import annotations

import runpy
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

import ipx.urls

from .conftest import Stage

DEBUG_URLCONF = "tests.access_matrix._urls_with_debug"


@pytest.fixture
def debug_urls() -> Iterator[None]:
    """The URL configuration as ``ipx serve --dev`` builds it (DEBUG on)."""
    with override_settings(DEBUG=True):
        patterns = runpy.run_path(str(Path(ipx.urls.__file__)))["urlpatterns"]
    module = types.ModuleType(DEBUG_URLCONF)
    module.urlpatterns = patterns
    sys.modules[DEBUG_URLCONF] = module
    try:
        with override_settings(ROOT_URLCONF=DEBUG_URLCONF):
            yield
    finally:
        del sys.modules[DEBUG_URLCONF]


def _private_names(stage: Stage) -> list[str]:
    world = stage.world
    return [
        world.to_sign.contract_pdf.name,
        world.attachment.file.name,
        world.document.file.name,
        world.import_job.file.name,
    ]


def test_private_files_have_no_public_address(cell: Stage, debug_urls: None) -> None:
    names = _private_names(cell)
    assert all(names), names
    client = cell.client("admin")  # signed in and entitled to every one of them: still nothing here
    # The public address works: a trademark image put there is served.
    public = Path(settings.MEDIA_ROOT) / "trademarks" / "matrix-probe.png"
    public.parent.mkdir(parents=True, exist_ok=True)
    public.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get("/media/trademarks/matrix-probe.png").status_code == 200
    for name in names:
        for prefix in ("/media/", "/media/trademarks/", "/static/"):
            response = client.get(prefix + name)
            assert response.status_code == 404, (prefix + name, response.status_code)
