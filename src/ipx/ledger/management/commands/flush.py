"""Django's ``flush`` (empty every table), allowed to empty the ledger's too, and keeping the
reference tables that migrations load.

Ledger rows refuse UPDATE and DELETE one by one; emptying the whole database is not a
rewrite of history, and is what the test runner does after each transactional test. See
``ipx.ledger.append_only``.

An app lists read-only reference tables by a ``reference_tables()`` method on its
AppConfig (the catalog: IPC and Nice classes). Emptying them only for its ``post_migrate``
receiver to write the same rows back cost seconds after every transactional test; kept,
the receiver finds them filled and does nothing.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.apps import apps
from django.core.management.color import Style
from django.core.management.commands import flush
from django.db.backends.base.base import BaseDatabaseWrapper

from ipx.ledger.append_only import whole_database_reset


def reference_tables() -> set[str]:
    return {table for config in apps.get_app_configs()
            for table in getattr(config, "reference_tables", list)()}


def sql_flush_keeping_reference(style: Style, connection: BaseDatabaseWrapper, reset_sequences: bool = True,
                                allow_cascade: bool = False) -> list[str]:
    """``django.core.management.sql.sql_flush`` without the reference tables."""
    kept = reference_tables()
    tables = [table for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if table not in kept]
    return list(connection.ops.sql_flush(style, tables, reset_sequences=reset_sequences,
                                         allow_cascade=allow_cascade))


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        # flush's handle calls the sql_flush it imported; this is the one way in short of copying it.
        with whole_database_reset(), mock.patch.object(flush, "sql_flush", sql_flush_keeping_reference):
            super().handle(**options)
