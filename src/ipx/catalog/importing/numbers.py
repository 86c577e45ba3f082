"""A patent inventory's numbers: as stored (for finding the patent a row is about) and the
registered patents a chunk of rows names."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from ipx.catalog import identifiers
from ipx.catalog.importing.columns import NUMBER_FIELDS
from ipx.catalog.models import Patent
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
    if not condition:
        return {}
    patents = (
        Patent.objects.filter(condition)
        .select_related("asset__holder")
        .prefetch_related("asset__owners")
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
