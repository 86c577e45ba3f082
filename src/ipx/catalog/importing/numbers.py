"""A patent inventory's numbers: as stored (for finding the patent a row is about) and the
registered patents a chunk of rows names."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from django.db.models import Q

from ipx.catalog import identifiers
from ipx.catalog.importing.columns import NUMBER_FIELDS
from ipx.catalog.models import AssetOwner, Patent
from ipx.core.errors import ValidationFailed

# (number field, office, number) → the patent registered with it.
KnownPatents = dict[tuple[str, str, str], Patent]


def known_patents(rows: Iterable[tuple[str, dict[str, str]]]) -> KnownPatents:
    """The registered patents that any of the rows (office, numbers by field) names, found in
    one query per chunk."""
    wanted: dict[str, dict[str, set[str]]] = {}
    for office, keys in rows:
        for name, value in keys.items():
            wanted.setdefault(office, {}).setdefault(name, set()).add(value)
    condition = Q()
    for office, numbers in wanted.items():
        for name, values in numbers.items():
            condition |= Q(office=office, **{f"{name}__in": sorted(values)})
    # The other documents of the rows' CN applications (the grant B of a publication A), for
    # the checks' same-application lookup (``cleaning.SAME_APPLICATION``).
    documents = sorted({serial + code for value in wanted.get("CN", {}).get("publication_number", ())
                        if (serial := identifiers.cn_publication_serial(value))
                        for code in ("", *identifiers.PUBLICATION_KIND_CODES)})
    if documents:
        condition |= Q(office="CN", publication_number__in=documents) | Q(office="CN", grant_number__in=documents)
    if not condition:
        return {}
    # Without the holders: a row about another organisation's patent is refused on its
    # holder's id, and the importing organisation's own are given its object (``_existing``).
    patents = (
        Patent.objects.filter(condition)
        .select_related("asset")
        .select_for_update()
        .order_by("pk")
    )
    known: KnownPatents = {}
    for patent in patents:
        for name in NUMBER_FIELDS:
            value = getattr(patent, name)
            if value:
                known[(name, patent.office, value)] = patent
    return known


def owner_names(patents: Iterable[Patent]) -> dict[int, list[str]]:
    """The owners' names of the patents' assets, in their order, in one query (the ORM's
    prefetch built a manager and a queryset per asset: a tenth of a re-import)."""
    names: dict[int, list[str]] = {patent.asset_id: [] for patent in patents}
    # Within an asset, in AssetOwner's own order (position, id), as asset.owners.all() gives them.
    owners = AssetOwner.objects.filter(asset_id__in=names).order_by("asset_id", "position", "id")
    for asset_id, name in owners.values_list("asset_id", "name"):
        names[asset_id].append(name)
    return names


def number_keys(office: str, data: dict[str, object]) -> dict[str, str]:
    """The row's numbers as stored, for finding the patent; numbers that do not parse are
    left out (the checks report them)."""
    keys: dict[str, str] = {}
    raw_application = str(data.get("application_number") or "").strip()
    raw_publication = str(data.get("publication_number") or "").strip()
    try:
        if raw_application:
            keys["application_number"] = (
                str(identifiers.parse_cn_application_number(raw_application))
                if office == "CN"
                else identifiers.check_foreign_number(raw_application, field="application_number")
            )
    except ValidationFailed:
        pass
    try:
        if raw_publication:
            keys["publication_number"] = (
                identifiers.parse_cn_publication_number(raw_publication)[0]
                if office == "CN"
                else identifiers.check_foreign_number(raw_publication, field="publication_number")
            )
    except ValidationFailed:
        pass
    return keys


def first_number_field(keys: dict[str, str]) -> str:
    return "application_number" if "application_number" in keys else "publication_number"


# (number field, office, number) of a row.
NumberKey = tuple[str, str, str]


class SeenNumbers:
    """The numbers of a file's rows checked so far, each with the first row that had it.

    Kept in a private temporary SQLite database (on disk, deleted when closed), not in a dict:
    the record grows with the file (a few hundred bytes a row in memory, 50 MB for 100,000
    rows), and an import's memory must not. A chunk asks for its numbers in one query and
    adds them in one statement."""

    def __init__(self) -> None:
        # "" is SQLite's name for a temporary database of this connection's own.
        self._store = sqlite3.connect("")
        self._store.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID")

    @staticmethod
    def _text(key: NumberKey) -> str:
        return "\x1f".join(key)

    def rows_of(self, keys: Iterable[NumberKey]) -> dict[NumberKey, int]:
        """The first row of each of ``keys`` seen before (keys not seen are left out)."""
        wanted = {self._text(key): key for key in keys}
        found: dict[NumberKey, int] = {}
        names = list(wanted)
        for start in range(0, len(names), _KEYS_PER_QUERY):
            part = names[start:start + _KEYS_PER_QUERY]
            query = f"SELECT key, row FROM seen WHERE key IN ({', '.join('?' * len(part))})"  # noqa: S608
            for text, row in self._store.execute(query, part):
                found[wanted[text]] = row
        return found

    def add(self, rows: dict[NumberKey, int]) -> None:
        """Record ``rows``' numbers; a number seen before keeps its first row."""
        self._store.executemany("INSERT OR IGNORE INTO seen (key, row) VALUES (?, ?)",
                                [(self._text(key), row) for key, row in rows.items()])

    def close(self) -> None:
        self._store.close()


# SQLite builds before 3.32 allow 999 parameters in a statement.
_KEYS_PER_QUERY = 900
