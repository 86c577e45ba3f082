"""ipx doctor: the same checks as /readyz, with what to do about each problem."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from ipx.health.tests.helpers import fixed, use_probes


def doctor(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("doctor", *args, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def test_a_healthy_server_prints_a_line_a_check_and_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok", "The database answers."),
               fixed("migrations", "ok", "Every migration is applied."))
    output, code = doctor()
    assert code == 0
    assert output.splitlines() == [
        "OK        database: The database answers.",
        "OK        migrations: Every migration is applied.",
        "Every check is ok.",
    ]


def test_each_problem_gets_its_remedy_and_a_failing_one_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok", "The database answers."),
               fixed("migrations", "failing", "2 migrations are not applied.", "Run ipx migrate."),
               fixed("search_index", "degraded", "The index is being rebuilt.", "Wait for the rebuild."))
    output, code = doctor()
    assert code == 1
    assert output.splitlines() == [
        "OK        database: The database answers.",
        "Failing   migrations: 2 migrations are not applied.",
        "          → Run ipx migrate.",
        "Degraded  search_index: The index is being rebuilt.",
        "          → Wait for the rebuild.",
        "2 of 3 checks need attention; overall: Failing.",
    ]


def test_degraded_only_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("search_index", "degraded", "Rebuilding.", "Wait."))
    output, code = doctor()
    assert code == 0
    assert output.splitlines()[-1] == "1 of 1 checks need attention; overall: Degraded."


def test_json_prints_the_readiness_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok", "The database answers.", latency_ms=2),
               fixed("tasks", "failing", "No worker.", "Start ipx worker."))
    output, code = doctor("--json")
    assert code == 1
    assert json.loads(output) == {"status": "failing", "checks": [
        {"name": "database", "status": "ok", "detail": "The database answers.", "remedy": "",
         "facts": {"latency_ms": 2}},
        {"name": "tasks", "status": "failing", "detail": "No worker.", "remedy": "Start ipx worker.", "facts": {}},
    ]}
