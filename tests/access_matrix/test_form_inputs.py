"""A page's form given what no form sends: ids of forty digits or below one, a ``next`` that is
no address. Each is answered as a refusal or a fallback (a form error, a message, a 404, the
page's own default), never a 500.

Every page write of the matrix's table is sent once per field that names a row (its value an
id in the valid body, or its name ``id`` or ``..._id``), as a role allowed to send it, with the
rest of the body valid. A wider sweep (every field given overlong text, NUL, NaN, 1e309,
impossible dates, digits of other scripts) found only these kinds of failure, so only they
are kept here, where every run pays for them.
"""

from __future__ import annotations

from typing import Any

import pytest

from ipx.testing.access_world import ROLES

from .conftest import Stage
from .matrix import Entry, Outcome, excerpt, fill, send
from .table import TABLE

NOT_IDS = ("9" * 40, "-1")


def _names_a_row(name: str, value: Any) -> bool:
    return name == "id" or name.endswith("_id") or (isinstance(value, int) and not isinstance(value, bool))


def _cells() -> list[Any]:
    cells = []
    for entry in TABLE:
        if entry.is_api or entry.method != "POST" or entry.body is None or entry.multipart:
            continue
        allowed = [role for role in ROLES if entry.expect[role] == Outcome.OK and role not in entry.holes]
        if allowed:
            cells.append(pytest.param(entry, allowed[0], id=f"{entry.name}-{allowed[0]}"))
    return cells


@pytest.mark.parametrize(("entry", "role"), _cells())
def test_a_form_given_no_id_or_no_address_answers_without_a_server_error(cell: Stage, entry: Entry,
                                                                            role: str) -> None:
    world = cell.world
    url = fill(entry.route, entry.args(world))
    body = entry.body(world, role)
    assert isinstance(body, dict), f"{entry.name}: a page's form is a mapping"
    sent = [{**body, name: bad} for name, value in body.items() if _names_a_row(name, value) for bad in NOT_IDS]
    sent.append({**body, "next": "-1"})
    for data in sent:
        response = send(cell.client(role), entry, url, data, {})
        assert response.status_code < 500, f"{entry.name} as {role} with {data}: {excerpt(response)}"
