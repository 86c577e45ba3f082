"""The runner: every probe answers within the time limit, in its own thread, or in the
caller's thread when the caller has a transaction open. No database here unless a test asks:
outside a transaction the probes run in threads of their own."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection
from django.utils import translation
from django.utils.translation import gettext

from ipx.accounts.models import User
from ipx.core.health import Check
from ipx.health.runner import Probe, run_probes
from ipx.health.tests.helpers import fixed


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds a probe until the test ends (and always lets it go, so no thread stays stuck)."""
    event = threading.Event()
    yield event
    event.set()


def test_a_hanging_check_is_reported_failing_within_the_limit(gate: threading.Event) -> None:
    started: list[int] = []

    def hangs() -> list[Check]:
        started.append(1)
        gate.wait()
        return [Check("slow_one", "ok", "finally")]

    probes = [Probe(("slow_one",), hangs), fixed("quick_one", "ok")]
    first = run_probes(probes, limit=0.2)
    assert [(check.name, check.status) for check in first] == [("slow_one", "failing"), ("quick_one", "ok")]
    assert first[0].detail.startswith("No answer after ")
    assert first[0].facts["limit_seconds"] == 0.2
    # Asked again while it still hangs: reported at once, and no second thread is stuck on it.
    second = run_probes(probes, limit=0.2)
    assert second[0].status == "failing"
    assert started == [1]


def test_a_check_that_ends_after_hanging_is_run_afresh(gate: threading.Event) -> None:
    calls: list[int] = []

    def hangs_once() -> list[Check]:
        calls.append(1)
        if len(calls) == 1:
            gate.wait()
            return [Check("flaky_one", "ok", "late")]
        return [Check("flaky_one", "ok", "answered")]

    probe = Probe(("flaky_one",), hangs_once)
    assert run_probes([probe], limit=0.2)[0].status == "failing"
    gate.set()
    # Once the first run has ended (a caller may still get its late answer), the next call
    # starts a new one.
    for _attempt in range(3):
        result = run_probes([probe], limit=5)
        if result[0].detail == "answered":
            break
    assert result == [Check("flaky_one", "ok", "answered")]
    assert calls == [1, 1]


def test_a_check_that_errs_is_failing_and_says_why() -> None:
    def broken() -> list[Check]:
        raise ValueError("unexpected state")

    [check] = run_probes([Probe(("broken_one",), broken)], limit=5)
    assert (check.name, check.status) == ("broken_one", "failing")
    assert check.detail == "The check stopped with an error: ValueError: unexpected state"
    assert check.facts == {"error": "ValueError"}


def test_a_probe_answers_for_each_of_its_checks_when_it_errs() -> None:
    def broken() -> list[Check]:
        raise OperationalError("no such table: matching_matchingversion")

    names = ("first_part", "second_part")
    result = run_probes([Probe(names, broken)], limit=5)
    assert [(check.name, check.status) for check in result] == [("first_part", "failing"),
                                                                  ("second_part", "failing")]
    assert "migrations" in result[0].remedy


def test_checks_speak_the_callers_language() -> None:
    probe = Probe(("worded",), lambda: [Check("worded", "ok", gettext("Home"))])
    with translation.override("zh-hans"):
        [check] = run_probes([probe], limit=5)
    assert check.detail == "首页"


@pytest.mark.django_db
def test_inside_a_transaction_probes_see_its_rows_and_cannot_break_it() -> None:
    User.objects.create(email="seen@example.com", full_name="Seen")

    def counts() -> list[Check]:
        return [Check("rows", "ok", str(User.objects.filter(email="seen@example.com").count()))]

    def bad_query() -> list[Check]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return []

    result = run_probes([Probe(("rows",), counts), Probe(("bad",), bad_query)], limit=5)
    assert (result[0].name, result[0].status, result[0].detail) == ("rows", "ok", "1")
    assert (result[1].name, result[1].status) == ("bad", "failing")
    # The caller's transaction goes on.
    assert User.objects.filter(email="seen@example.com").exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_probes_read_the_database_in_their_own_threads() -> None:
    User.objects.create(email="committed@example.com", full_name="Committed")
    threads: list[str] = []

    def counts() -> list[Check]:
        threads.append(threading.current_thread().name)
        return [Check("rows", "ok", str(User.objects.filter(email="committed@example.com").count()))]

    assert run_probes([Probe(("rows",), counts)], limit=5) == [Check("rows", "ok", "1")]
    assert threads == ["health-rows"]
