"""Stand-ins for the checks, so each test decides what the server's state is."""

from __future__ import annotations

import sys
import types

import pytest

from ipx.core.health import Check, Status
from ipx.health import checks
from ipx.health.runner import Probe


def fixed(name: str, status: Status, detail: str = "", remedy: str = "", **facts: str | int) -> Probe:
    check = Check(name=name, status=status, detail=detail or f"{name} is {status}", remedy=remedy, facts=facts)
    return Probe((name,), lambda: [check])


def use_probes(monkeypatch: pytest.MonkeyPatch, *probes: Probe) -> None:
    monkeypatch.setattr(checks, "PROBES", probes)


def fake_domain_checks(monkeypatch: pytest.MonkeyPatch, status: Status = "ok") -> None:
    """The apps' own checks (search index, task queue, matching, backups) answer ``status``, whatever
    the state of their modules; the checks of this app stay real."""

    def module(name: str, **functions: object) -> None:
        fake = types.ModuleType(name)
        for attribute, function in functions.items():
            setattr(fake, attribute, function)
        monkeypatch.setitem(sys.modules, name, fake)

    module("ipx.search.state", search_check=lambda: Check("search_index", status, "index"))
    module("ipx.tasks.health", tasks_check=lambda: Check("tasks", status, "queue"))
    module("ipx.matching.matches.health", matching_checks=lambda: [
        Check("embedding_model", status, "model"), Check("matching_vectors", status, "vectors")])
    module("ipx.backups.health", backups_check=lambda: Check("backups", status, "backups"))
