"""A page's form given an id no row can have (forty digits) answers with a refusal (a form
error, a message, a 404), never a 500: such a number reached key lookups, which SQLite and
PostgreSQL refuse with an error, not an empty result.

Every page write of the matrix's table is sent once per field that names a row (its value an
id in the valid body, or its name ``id`` or ``..._id``), as a role allowed to send it, with the
rest of the body valid. A wider sweep (every field given overlong text, NUL, NaN, 1e309,
impossible dates, digits of other scripts; ``next=-1``) found only this and the kinds
``core/tests/test_redirects.py`` and ``ledger/tests/test_form_keys.py`` hold, so only it is
kept here, where every run pays for it.
"""

from __future__ import annotations

from typing import Any

from ipx.testing.access_world import ROLES

from .conftest import Stage
from .matrix import Entry, Outcome, excerpt, fill, send
from .table import TABLE

NOT_AN_ID = "9" * 40


def _names_a_row(name: str, value: Any) -> bool:
    return name == "id" or name.endswith("_id") or (isinstance(value, int) and not isinstance(value, bool))


def _page_writes() -> list[tuple[Entry, str]]:
    writes = []
    for entry in TABLE:
        if entry.is_api or entry.method != "POST" or entry.body is None or entry.multipart:
            continue
        allowed = [role for role in ROLES if entry.expect[role] == Outcome.OK and role not in entry.holes]
        if allowed:
            writes.append((entry, allowed[0]))
    return writes


def test_a_form_given_an_id_no_row_can_have_answers_without_a_server_error(cell: Stage) -> None:
    # One test over every page write (not one per write): most forms name no row, and each
    # test of the package pays for a savepoint of the shared world.
    world, sent = cell.world, 0
    for entry, role in _page_writes():
        url = fill(entry.route, entry.args(world))
        body = entry.body(world, role)
        assert isinstance(body, dict), f"{entry.name}: a page's form is a mapping"
        for name, value in body.items():
            if _names_a_row(name, value):
                response = send(cell.client(role), entry, url, {**body, name: NOT_AN_ID}, {})
                assert response.status_code < 500, f"{entry.name} as {role}, {name}: {excerpt(response)}"
                sent += 1
    assert sent, "no page write names a row: the bodies were not read"
