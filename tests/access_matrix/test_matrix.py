"""The access-and-rights matrix: every page and API operation, for each of nine roles.

The roles (``ipx.testing.access_world``): anonymous; unverified (administrator of an
organisation awaiting verification); outsider (a verified organisation with no part in
anything here); member, signatory and admin of *home*, the organisation that owns the
objects (a plain member negotiates, a named signatory and an administrator bind it); agent
(an agency acting for home in its negotiations); operator (exchange staff); bank (a member
of a verified financial institution). One world holds an object for every address, each in
the state its steps start from.

Each cell sends one request as one role (the API's rows twice: with the session and with an
API token holding every scope) and checks the outcome the expectations table names
(``matrix.Outcome``): allowed (a read answers 200), or refused the way it must be (401 or the
log-in page, 403, 404 where the role must not learn the object exists, 405, a page's error
message or form error). A write that is refused must leave every table of the exchange, the
ledger included, as it was (``snapshot``). Cells known to be wrong today are strict expected
failures naming what should happen (``Entry.holes``): when the fix lands they pass, the run
fails, and the hole is taken out of the row.

Adding an endpoint (``test_coverage`` fails until its row exists):

1. Find the ``expect_api_<area>.py`` or ``expect_pages_<area>.py`` module of its area (or add
   one and list it in ``table.py``).
2. Add an ``Entry(route, method, expect, ...)``: ``route`` is the OpenAPI path
   (``/api/v1/listings/{listing_id}``) or the URL pattern as the resolver prints it
   (``listings/<id:listing_id>/edit/``); for pages, ``read_only``, ``post_only`` and
   ``form_page`` give the GET and POST rows together.
3. ``expect`` names an outcome for each of the nine roles: start from a profile of
   ``matrix`` (``PUBLIC``, ``SIGNED_IN``, ``HOME_ONLY``, ``PARTIES``, ``OPERATORS``...) or
   ``every(default, role=outcome, ...)``. Decide it from the rule (who may do this?), not
   from what the code does today.
4. ``args=ids(listing_id="published")`` fills the address from the world (an attribute of
   ``AccessWorld``, or a callable); add the object to ``build_access_world`` if none is in
   the state the step starts from. Writes send ``body(world, role)``: a valid request, so
   that a refusal is about rights, not about the input (``multipart=True`` for uploads,
   ``step_up=True`` where the API asks a second-factor code).
5. Run ``pytest -p no:xdist tests/access_matrix``. A cell that disagrees is either a wrong
   row (fix it) or a hole: keep the right expectation and add
   ``holes={"role": "what should happen and what happens"}``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ipx.accounts.mfa.stepup import HEADER as STEP_UP_HEADER
from ipx.testing.access_world import ROLES, SECRETS
from ipx.testing.second_factor import current_code

from . import snapshot
from .conftest import Stage
from .matrix import REFUSALS, Entry, Outcome, classify, excerpt, fill, send
from .table import TABLE


def _cells() -> list[Any]:
    """Each row for each role; the API's rows once signed in with the session and once with
    an API token holding every scope (the token skips the session's own checks, so both
    ways must answer alike)."""
    cells = []
    for entry in TABLE:
        for role in ROLES:
            marks = []
            if role in entry.holes:
                marks.append(pytest.mark.xfail(strict=True, reason=entry.holes[role]))
            cells.append(pytest.param(entry, role, "session", id=f"{entry.name}-{role}", marks=marks))
            if entry.is_api and role != "anonymous":
                cells.append(pytest.param(entry, role, "token", id=f"{entry.name}-{role}-token", marks=marks))
    return cells


@pytest.mark.parametrize(("entry", "role", "via"), _cells())
def test_cell(cell: Stage, entry: Entry, role: str, via: str) -> None:
    world = cell.world
    expected = entry.expect[role]
    who = f"{entry.name} as {role}" + (" (API token)" if via == "token" else "")
    url = fill(entry.route, entry.args(world))
    body = entry.body(world, role) if entry.body is not None else None
    user = world.user(role)
    headers = {STEP_UP_HEADER: current_code(user)} if entry.step_up and user is not None else {}
    write = entry.method != "GET"
    # A write that is refused, or only sends the person elsewhere (a page of an organisation
    # they have none of), must change nothing.
    unchanged = expected in REFUSALS or expected == Outcome.MOVED or role in entry.untouched
    before = cell.baseline if write and unchanged else None

    if via == "token":
        client = Client()
        headers["Authorization"] = f"Bearer {cell.tokens[role]}"
    else:
        client = cell.client(role)
    response = send(client, entry, url, body, headers)

    got = classify(response, api=entry.is_api, write=write)
    if write and expected == Outcome.MOVED and got == Outcome.OK:
        got = Outcome.MOVED  # told apart from a step taken by the snapshot below
    assert got == expected, f"{who}: expected {expected}, got {got} ({excerpt(response)})"
    if not write and expected == Outcome.OK:
        assert response.status_code == 200, f"{who}: a read answers 200"
        if entry.secret:
            shown = SECRETS[entry.secret] in response.content.decode()
            assert shown == (role in entry.sees), f"{who}: {entry.secret!r} shown: {shown}"
    if before is not None:
        changed = snapshot.changes(before, snapshot.take())
        assert not changed, f"{who} ({got}) must change nothing but changed {changed}"
