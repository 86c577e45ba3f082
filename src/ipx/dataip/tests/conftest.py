"""Fixtures of the data-IP tests: the registry's signing key in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from ipx.dataip import signing


@pytest.fixture
def registry_key(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "registry-ed25519.pem"
    with override_settings(IPX_DATAIP_KEY_PATH=path):
        signing.generate_key(path)
        yield path
