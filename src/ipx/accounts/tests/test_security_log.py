"""The security log (logger ``ipx.security``) records sign-ins, failures and lockouts with the
client's address, and no password reaches it or axes' own tables."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse

from ipx.testing.factories import PASSWORD
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

SECRET = "my very secret guess 7"  # a wrong password the logs must not keep


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def security_log() -> Iterator[list[logging.LogRecord]]:
    # The "ipx" logger does not propagate to the root, where pytest's caplog listens.
    kept = Kept()
    logger = logging.getLogger("ipx.security")
    logger.addHandler(kept)
    try:
        yield kept.records
    finally:
        logger.removeHandler(kept)


def _events(records: list[logging.LogRecord]) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(r.security_event, r.user_id, r.email, r.ip) for r in records]  # type: ignore[attr-defined]


def test_sign_ins_and_failures_are_logged_as_security_events(owner: Member,
                                                             security_log: list[logging.LogRecord]) -> None:
    Client().post(reverse("accounts:login"), {"email": owner.user.email, "password": SECRET},
                  REMOTE_ADDR="203.0.113.5")
    client = Client()
    client.post(reverse("accounts:login"), {"email": owner.user.email, "password": PASSWORD},
                REMOTE_ADDR="203.0.113.5")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="203.0.113.5")

    assert _events(security_log) == [
        ("login_failed", None, "owner@example.com", "203.0.113.5"),
        ("login", owner.user.pk, "owner@example.com", "203.0.113.5"),
        ("logout", owner.user.pk, "owner@example.com", "203.0.113.5"),
    ]
    assert [r.levelname for r in security_log] == ["WARNING", "INFO", "INFO"]


def test_token_requests_and_lockouts_are_logged(owner: Member, security_log: list[logging.LogRecord]) -> None:
    for _attempt in range(6):
        Client().post("/api/v1/auth/token", data=json.dumps({"email": owner.user.email, "password": SECRET}),
                      content_type="application/json", REMOTE_ADDR="203.0.113.5")

    events = [event for event, *_rest in _events(security_log)]
    assert events.count("login_failed") == 6
    # The fifth failure locks the pair out; the sixth attempt is refused while locked out.
    assert events.count("locked_out") == 2
    assert {r.path for r in security_log} == {"/api/v1/auth/token"}  # type: ignore[attr-defined]


def test_no_password_reaches_the_logs_or_the_attempt_tables(owner: Member, security_log: list[logging.LogRecord],
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        for _attempt in range(6):
            Client().post(reverse("accounts:login"), {"email": owner.user.email, "password": SECRET},
                          REMOTE_ADDR="203.0.113.5")
        client = Client()
        client.post(reverse("accounts:login"), {"email": owner.user.email, "password": PASSWORD},
                    REMOTE_ADDR="198.51.100.7")

    written = [record.getMessage() for record in [*security_log, *caplog.records]]
    written += [str(row) for row in AccessAttempt.objects.values()]
    written += [str(row) for row in AccessFailureLog.objects.values()]
    written += [str(row) for row in AccessLog.objects.values()]
    assert AccessLog.objects.count() == 1
    assert AccessFailureLog.objects.count() == 5
    assert [text for text in written if SECRET in text or PASSWORD in text] == []
