"""What a refused write must leave exactly as it was: every table of the exchange (its row
count and a hash of its rows), the ledger included.

Left out, each for its reason:
- who is signed in and how (sessions, their records, second-factor devices whose last-used
  window moves when a code is checked, the log-in throttle's records): bookkeeping of the
  request itself, not of what the request asked to change;
- when an API token was last used (it is written as the token is read, refused or not);
- reference tables no request writes (IPC, Nice classes, permissions, content types): large
  and fixed, hashing them on every cell would only cost time.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping

from django.apps import apps
from django.db import connection

BOOKKEEPING = frozenset(
    {
        "django_session",
        "accounts_usersession",
        "otp_totp_totpdevice",
        "accounts_recoverycodes",
        "accounts_recoverycode",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
    }
)
REFERENCE = frozenset({"catalog_ipccode", "catalog_niceclass", "auth_permission", "django_content_type"})
# Columns that record the request itself: when a token was last used.
REQUEST_COLUMNS = {"accounts_apitoken": frozenset({"last_used_at"})}


@functools.cache
def _tables() -> list[str]:
    names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(names - BOOKKEEPING - REFERENCE)


Snapshot = Mapping[str, tuple[int, str]]


def take() -> Snapshot:
    """Each table's row count and a hash of its rows (in a fixed order)."""
    state: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the models
            skipped = REQUEST_COLUMNS.get(table, frozenset())
            kept = [i for i, column in enumerate(cursor.description) if column[0] not in skipped]
            rows = sorted(repr([row[i] for i in kept]) for row in cursor.fetchall())
            state[table] = (len(rows), hashlib.sha1("\n".join(rows).encode(), usedforsecurity=False).hexdigest())
    return state


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables that differ, with their row counts before → after."""
    return [
        f"{table} ({before[table][0]} → {after[table][0]} rows)"
        for table in before
        if before[table] != after.get(table)
    ]
