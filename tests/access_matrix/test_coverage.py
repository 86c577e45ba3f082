"""Every address the exchange answers has its row in the matrix (see ``test_matrix`` for how
to add one): a new page or API operation without a row fails here, and so does a row whose
address is gone."""

from __future__ import annotations

import re
from collections import Counter

from ipx.testing.access_world import ROLES

from .routes import ADMIN_PREFIX, all_patterns, api_operations, api_routes_undocumented, debug_page_keys, page_keys
from .table import API, PAGES, TABLE


def test_every_api_operation_has_a_row() -> None:
    missing = api_operations() - {entry.key for entry in API}
    assert not missing, f"API operations without a row in the access matrix: {sorted(missing)}"


def test_every_page_and_method_has_a_row() -> None:
    missing = page_keys() - {entry.key for entry in PAGES}
    assert not missing, f"pages without a row in the access matrix: {sorted(missing)}"


def test_every_page_served_in_debug_mode_has_a_row() -> None:
    missing = debug_page_keys() - {entry.key for entry in PAGES}
    assert not missing, f"pages (DEBUG on) without a row in the access matrix: {sorted(missing)}"


def test_every_row_names_an_address_that_exists() -> None:
    known = api_operations() | page_keys() | debug_page_keys()
    stale = {entry.key for entry in TABLE} - known
    assert not stale, f"rows of the access matrix for addresses that no longer exist: {sorted(stale)}"


def test_the_api_documents_every_operation_it_serves() -> None:
    assert not api_routes_undocumented()


def test_rows_are_told_apart() -> None:
    names = Counter(entry.name for entry in TABLE)
    assert [name for name, count in names.items() if count > 1] == []


def test_every_row_names_every_role() -> None:
    assert all(set(entry.expect) == set(ROLES) for entry in TABLE)


def test_every_id_in_an_address_is_read_as_an_id() -> None:
    # A plain ``<int:...>`` lets a number of 40 digits reach a key lookup, which the database
    # refuses with an error (a 500), not an empty result (``ipx.core.ids``). The back office's
    # addresses are the admin's own, for staff only.
    plain = [(p.route, name) for p in all_patterns() if not p.route.startswith(ADMIN_PREFIX)
             for name in re.findall(r"<int:([a-z_]+)>", p.route) if name == "pk" or name.endswith("_id")]
    assert plain == []
