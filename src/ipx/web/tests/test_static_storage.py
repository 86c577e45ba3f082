"""Static addresses remembered per process are the addresses WhiteNoise's storage gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from ipx.web.static_storage import RememberedManifestStorage

NAMES = ["ipx/ipx.css", "ipx/vendor/htmx-2.0.7.min.js", "ipx/图 标.svg", "ipx/ipx.css?v=2#top"]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    paths = {"ipx/ipx.css": "ipx/ipx.1a2b3c.css", "ipx/vendor/htmx-2.0.7.min.js": "ipx/vendor/htmx-2.0.7.min.9f8e.js",
             "ipx/图 标.svg": "ipx/图 标.77aa.svg"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "h"}))
    return tmp_path


def test_the_remembered_address_is_the_storage_address(root: Path) -> None:
    ours = RememberedManifestStorage(location=str(root), base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=str(root), base_url="/static/")

    for _ in range(2):  # looked up, then remembered
        assert [ours.url(name) for name in NAMES] == [theirs.url(name) for name in NAMES]
    assert ours.url("ipx/ipx.css") == "/static/ipx/ipx.1a2b3c.css"
    assert ours.url("ipx/ipx.css", force=True) == theirs.url("ipx/ipx.css", force=True)


def test_a_file_missing_from_the_manifest_is_refused_every_time(root: Path) -> None:
    ours = RememberedManifestStorage(location=str(root), base_url="/static/")

    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("ipx/missing.css")
