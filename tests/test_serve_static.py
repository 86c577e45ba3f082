"""``ipx serve`` collects the static files only when their sources changed since the last
collection (a restart after a crash no longer spends its first seconds on it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipx import serve


def test_static_files_are_collected_again_only_when_a_source_changed(settings: Any, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    settings.STATIC_ROOT = str(tmp_path / "static")
    runs: list[str] = []

    def collectstatic(name: str, **options: object) -> None:
        runs.append(name)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        (Path(settings.STATIC_ROOT) / "staticfiles.json").write_text("{}")

    monkeypatch.setattr(serve, "call_command", collectstatic)
    assert serve.collect_static() is True
    assert serve.collect_static() is False  # nothing changed: the collection stands
    monkeypatch.setattr(serve, "static_fingerprint", lambda: "another")
    assert serve.collect_static() is True
    (Path(settings.STATIC_ROOT) / "staticfiles.json").unlink()
    assert serve.collect_static() is True  # a collection that lost its manifest is made again
    assert runs == ["collectstatic"] * 3


def test_the_fingerprint_covers_every_static_source() -> None:
    from django.contrib.staticfiles.finders import get_finders

    sources = sum(1 for finder in get_finders() for _found in finder.list([]))
    assert sources > 10
    assert serve.static_fingerprint() == serve.static_fingerprint()


def test_a_collection_that_made_no_folder_still_keeps_its_stamp(settings: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # As when collectstatic is stood in for, or finds nothing to collect: the folder is made.
    settings.STATIC_ROOT = str(tmp_path / "not-yet" / "static")
    monkeypatch.setattr(serve, "call_command", lambda *args, **options: None)
    assert serve.collect_static() is True
    assert (Path(settings.STATIC_ROOT) / ".collected").read_text() == serve.static_fingerprint()
