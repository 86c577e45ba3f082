"""Django's ``flush`` (empty every table), allowed to empty the ledger's too.

Ledger rows refuse UPDATE and DELETE one by one; emptying the whole database is not a
rewrite of history, and is what the test runner does after each transactional test. See
``ipx.ledger.append_only``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from ipx.ledger.append_only import whole_database_reset


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with whole_database_reset():
            super().handle(**options)
