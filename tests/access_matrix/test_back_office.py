"""The back-office (Django admin) by one rule instead of a row each: staff only.

Every address under /admin/ — read from the URL configuration, so a new model's pages are
covered the day they are registered — sends everyone who is not staff to the back-office's
log-in page, and lets the operator (staff) through: a page, a redirect within the
back-office, or a refusal of its own (403/404 for a permission or an object it lacks), never
its log-in page. Objects are addressed by the id "1" (whatever it is, or nothing).
"""

from __future__ import annotations

import re

import pytest

from ipx.testing.access_world import ROLES

from .conftest import Stage
from .routes import admin_patterns

_CONVERTER = re.compile(r"<(?:[^>:]+:)?[^>]+>")
_APP_LABELS = re.compile(r"\(\?P<app_label>([^)|]+)[^)]*\)")


def address(route: str) -> str:
    """A concrete address for an admin URL pattern."""
    path = _APP_LABELS.sub(r"\1", route)  # the app index: its first app
    path = path.replace("(?P<url>.*)", "no-such-page/")  # the catch-all
    path = _CONVERTER.sub("1", path).replace("^", "").replace("$", "")
    return "/" + path


ADDRESSES = sorted({address(p.route) for p in admin_patterns()})
ADMIN_LOGIN = "/admin/login/"
# Logging in and out of the back-office are open to everyone (they show or end a session).
OPEN = {ADMIN_LOGIN, "/admin/logout/"}


def test_every_back_office_pattern_gets_an_address() -> None:
    assert len(ADDRESSES) > 50 and all(re.fullmatch(r"/admin/[\w/.-]*", a) for a in ADDRESSES)


@pytest.mark.parametrize("path", ADDRESSES)
def test_back_office_is_for_staff_only(cell: Stage, path: str) -> None:
    for role in ROLES:
        response = cell.client(role).get(path)
        location = response.get("Location", "")
        sent_to_log_in = response.status_code == 302 and location.startswith(ADMIN_LOGIN)
        if path in OPEN:
            assert response.status_code in (200, 302, 405), (path, role, response.status_code)
        elif role == "operator":
            assert not sent_to_log_in and response.status_code in (200, 302, 403, 404), (path, response.status_code)
        else:
            assert sent_to_log_in, f"{path} as {role}: {response.status_code} {location}"
