"""The one exception to append-only ledger rows: wiping the whole database.

PostgreSQL's row triggers refuse UPDATE and DELETE, but TRUNCATE (what ``flush`` runs there,
e.g. after each transactional test) passes them: emptying every table rewrites no one's
history. SQLite has no TRUNCATE; ``flush`` deletes, so there the DELETE triggers ask
``ipx_ledger_reset()``, a function each connection of this application registers and which
is true only while this application's ``flush`` command runs (see
``management/commands/flush.py``). Any other connection (the sqlite3 shell, another program)
lacks the function, so its deletes are refused too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SQLITE_FUNCTION = "ipx_ledger_reset"

_state = threading.local()


def _resetting() -> int:
    return 1 if getattr(_state, "resetting", False) else 0


@contextmanager
def whole_database_reset() -> Iterator[None]:
    """Let this thread's connections delete ledger rows while the whole database is emptied."""
    _state.resetting = True
    try:
        yield
    finally:
        _state.resetting = False


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` handler."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _resetting)
