"""Reads on a hot path whose SQL the ORM compiles once, not on every call.

Django turns a queryset into SQL each time it is evaluated; for a join of a dozen columns that
costs 0.2–1 ms of CPU, several times what the database then takes to answer on the same
machine (a primary-key read: a few microseconds on SQLite). On the auction's bid path three
such reads were most of the server's work per refused bid. A ``PreparedQuery`` is still
written as a queryset, built once per database connection with a marker for each named
parameter; each call runs the compiled SQL with the values given and converts the columns with
the ORM's own converters, so a row reads exactly as ``values_list`` would give it (a test
compares them on SQLite and PostgreSQL).

Only exact lookups take named parameters (an ``icontains`` would rewrite the marker before it
reaches the SQL parameters); building the query fails if a marker does not reach them.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model, QuerySet

# Integer markers: far below any primary key or count a query compares with.
_FIRST_INT_MARKER = -7_390_000_001
M = TypeVar("M", bound=Model)
N = TypeVar("N", bound=Model)


class Parameters:
    """The named parameters of a prepared query: each call gives the marker value its queryset
    is built with, which compiling finds again among the SQL's parameters."""

    def __init__(self) -> None:
        self.names: dict[object, str] = {}

    def int(self, name: str) -> int:
        value = _FIRST_INT_MARKER - len(self.names)
        self.names[value] = name
        return value

    def str(self, name: str) -> str:
        value = f"\x1fparameter:{name}\x1f"
        self.names[value] = name
        return value


class _Compiled:
    def __init__(self, queryset: QuerySet[Any], parameters: Parameters, using: str) -> None:
        compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        # Each SQL parameter: the named parameter it stands for, or the fixed value the queryset holds.
        self.params: list[tuple[str | None, Any]] = []
        for value in params:
            name = parameters.names.get(value) if isinstance(value, int | str) else None
            self.params.append((name, value))
        missing = set(parameters.names.values()) - {name for name, _value in self.params if name}
        if missing:
            raise ValueError(f"named parameters that do not reach the SQL: {sorted(missing)}")
        self.compiler = compiler
        self.converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])

    def rows(self, values: dict[str, Any], on_server: bool) -> list[list[Any]]:
        params = [values[name] if name else value for name, value in self.params]
        with connections[self.compiler.using].cursor() as cursor:
            if on_server and cursor.db.vendor == "postgresql":
                fetched = _prepared_on_server(cursor, self.sql, params)
            else:
                cursor.execute(self.sql, params)
                fetched = cursor.fetchall()
        if self.converters:
            return list(self.compiler.apply_converters(fetched, self.converters))
        return [list(row) for row in fetched]


def _prepared_on_server(cursor: CursorWrapper, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a statement PostgreSQL plans once per connection (psycopg's server-side prepared
    statements; Django's own cursors bind on the client, which cannot prepare), recorded
    among the connection's queries as Django's cursors record theirs."""
    import psycopg  # only with PostgreSQL: its base cursor binds parameters on the server

    recorded = cursor.debug_sql(sql, params) if isinstance(cursor, CursorDebugWrapper) else contextlib.nullcontext()
    server: psycopg.Cursor[tuple[Any, ...]]
    with recorded, cursor.db.wrap_database_errors, psycopg.Cursor(cursor.db.connection) as server:
        server.execute(sql, params, prepare=True)
        return server.fetchall()


class PreparedQuery:
    """``build(parameters)`` returns a ``values_list`` queryset; ``rows(**values)`` runs it.

    Compiled once per thread and database alias: a compiler belongs to its connection, and
    Django's connections belong to their thread. ``on_server``: PostgreSQL also plans it once
    per connection, for a join of many tables whose planning costs the database more than
    running it (milliseconds against a tenth of one)."""

    def __init__(self, build: Callable[[Parameters], QuerySet[Any]], *, on_server: bool = False) -> None:
        self.build = build
        self.on_server = on_server
        self.local = threading.local()

    def rows(self, using: str = "default", **values: Any) -> list[list[Any]]:
        compiled: dict[str, _Compiled] = self.local.__dict__.setdefault("compiled", {})
        prepared = compiled.get(using)
        if prepared is None or prepared.compiler.connection is not connections[using]:
            parameters = Parameters()
            prepared = compiled[using] = _Compiled(self.build(parameters), parameters, using)
        return prepared.rows(values, self.on_server)


@functools.cache
def _attnames(model: type[Model], only: frozenset[str] | None) -> tuple[str, ...]:
    """The model's concrete columns (those of ``only`` if given), in the model's order; worked
    out once per model and choice, since ``instance`` runs on hot paths."""
    names = tuple(field.attname for field in model._meta.concrete_fields if only is None or field.attname in only)
    if only is not None and len(names) != len(only):
        raise ValueError(f"not columns of {model.__name__}: {sorted(only - set(names))}")
    return names


def field_paths(model: type[Model], prefix: str = "", only: Collection[str] | None = None) -> list[str]:
    """The lookups of a model's concrete columns (those of ``only``, attribute names, if given)
    for ``values_list``, behind ``prefix`` (e.g. ``"user__"`` for a related row read in the
    same query), in the model's order, which ``instance`` expects."""
    return [prefix + name for name in _attnames(model, None if only is None else frozenset(only))]


def instance(model: type[M], values: Sequence[Any], using: str = "default",
             only: Collection[str] | None = None) -> M:
    """A model instance from the values of ``field_paths(model, only=only)``, as the ORM builds
    one (the columns left out are deferred)."""
    return model.from_db(using, list(_attnames(model, None if only is None else frozenset(only))), list(values))


def instance_and_related(row: Sequence[Any], model: type[M], related: type[N], using: str = "default") -> tuple[M, N]:
    """The two instances of a row read as ``field_paths(model)`` then ``field_paths(related,
    "<relation>__")``, as ``select_related`` would give them (the caller attaches the second)."""
    columns = len(_attnames(model, None))
    return instance(model, row[:columns], using), instance(related, row[columns:], using)
