"""An asset as the services take it: typed, frozen, checked once.

``AssetValues`` is what a page form, the API or a spreadsheet row gives: all of an asset's
fields for a new one, only those it changes for an edit; read into plain types, not yet
judged. ``cleaning.parse_asset`` (new) and ``cleaning.parse_asset_change`` (edit) are the one
place that checks them and returns an ``AssetInput``: the fields every asset has and the
typed part of its IP type (``PatentInput``, ``TrademarkInput``, ``CopyrightInput``,
``GIProductInput``). Services write only ``AssetInput``s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import ClassVar, TypeVar

from django.db.models import Model

from ipx.catalog.models import Asset, Copyright, GIProduct, Patent, Trademark
from ipx.core.inputs import UNSET, Unset, as_text, given_fields

T = TypeVar("T")

# A date, or text for the parser to read as one (2021-06-01, 20210601, 2021年6月1日, ...).
DateGiven = date | str | None


def split_list(value: object, *, commas: bool = True) -> list[str]:
    """Items of a list given as a list or as text separated by ; (and , unless ``commas`` is
    False: names such as "Acme Co., Ltd." contain commas)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).replace("；", ";").replace("|", ";").replace("\n", ";")
    if commas:
        text = text.replace("，", ";").replace(",", ";")
    return [part.strip() for part in text.split(";") if part.strip()]


# --- Checked: what the services write ---------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class PatentInput:
    ip_type: ClassVar[str] = Asset.Type.PATENT
    model: ClassVar[type[Model]] = Patent

    office: str = "CN"
    kind: str
    application_number: str | None = None
    publication_number: str | None = None
    grant_number: str | None = None
    filing_date: date | None = None
    publication_date: date | None = None
    grant_date: date | None = None
    ipc_main: str = ""
    ipc_codes: tuple[str, ...] = ()  # the main code first
    inventors: str = ""
    claims: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrademarkInput:
    ip_type: ClassVar[str] = Asset.Type.TRADEMARK
    model: ClassVar[type[Model]] = Trademark

    office: str = "CN"
    registration_number: str
    nice_classes: tuple[int, ...]
    goods_services: str = ""
    registration_date: date | None = None
    renewed_until: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyrightInput:
    ip_type: ClassVar[str] = Asset.Type.COPYRIGHT
    model: ClassVar[type[Model]] = Copyright

    kind: str
    registration_number: str
    work_category: str = ""
    version: str = ""
    completion_date: date | None = None
    registration_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GIProductInput:
    ip_type: ClassVar[str] = Asset.Type.GI
    model: ClassVar[type[Model]] = GIProduct

    protected_region: str
    producer: str
    category: str = ""
    approval_number: str = ""
    approval_date: date | None = None


DetailInput = PatentInput | TrademarkInput | CopyrightInput | GIProductInput


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetInput:
    """A checked asset: the fields every asset has and its type's part."""

    title: str
    title_en: str = ""
    abstract: str = ""
    legal_status: str = Asset.LegalStatus.IN_FORCE
    owners: tuple[str, ...] = ()  # none: the holder is the only owner of record
    detail: DetailInput

    @property
    def ip_type(self) -> str:
        return self.detail.ip_type

    def asset_columns(self) -> dict[str, object]:
        return {"title": self.title, "title_en": self.title_en, "abstract": self.abstract,
                "legal_status": self.legal_status}

    def detail_columns(self) -> dict[str, object]:
        """The type's part as column values of its model (lists for the JSON columns)."""
        return {f.name: list(value) if isinstance(value := getattr(self.detail, f.name), tuple) else value
                for f in fields(self.detail)}


# --- As given: what the parser reads ---------------------------------------------------------

def _day(value: object) -> DateGiven:
    return value if value is None or isinstance(value, date) else str(value)


def _owners(value: object) -> tuple[str, ...]:
    return tuple(split_list(value, commas=False))


def _codes(value: object) -> tuple[str, ...]:
    return tuple(split_list(value))


def _classes(value: object) -> tuple[int, ...] | str:
    """Class numbers as given; anything else as text, which the parser names when it refuses it."""
    if isinstance(value, list | tuple):
        if all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            return tuple(value)
        return "; ".join(str(item) for item in value)
    return as_text(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetValues:
    """An asset's fields as given, by the names forms, the API and the import share; UNSET
    for those not given. Nothing here is judged yet: ``cleaning`` does that."""

    title: str | Unset = UNSET
    title_en: str | Unset = UNSET
    abstract: str | Unset = UNSET
    legal_status: str | Unset = UNSET
    owners: tuple[str, ...] | Unset = UNSET
    # patents (kind and registration_number also copyrights', registration_date also trademarks')
    office: str | Unset = UNSET
    kind: str | Unset = UNSET
    application_number: str | Unset = UNSET
    publication_number: str | Unset = UNSET
    grant_number: str | Unset = UNSET
    filing_date: DateGiven | Unset = UNSET
    publication_date: DateGiven | Unset = UNSET
    grant_date: DateGiven | Unset = UNSET
    ipc_main: str | Unset = UNSET
    ipc_codes: tuple[str, ...] | Unset = UNSET
    inventors: str | Unset = UNSET
    claims: str | Unset = UNSET
    # trademarks
    registration_number: str | Unset = UNSET
    nice_classes: tuple[int, ...] | str | Unset = UNSET
    goods_services: str | Unset = UNSET
    registration_date: DateGiven | Unset = UNSET
    renewed_until: DateGiven | Unset = UNSET
    # copyrights
    work_category: str | Unset = UNSET
    version: str | Unset = UNSET
    completion_date: DateGiven | Unset = UNSET
    # geographical-indication products
    protected_region: str | Unset = UNSET
    producer: str | Unset = UNSET
    category: str | Unset = UNSET
    approval_number: str | Unset = UNSET
    approval_date: DateGiven | Unset = UNSET

    @classmethod
    def read(cls, values: Mapping[str, object]) -> AssetValues:
        """The fields present in ``values`` (a form's cleaned data, an API body, a spreadsheet
        row), each in its plain type; other names are ignored. Never refuses anything."""

        def given(name: str, read: Callable[[object], T]) -> T | Unset:
            return read(values[name]) if name in values else UNSET

        return cls(
            title=given("title", as_text), title_en=given("title_en", as_text), abstract=given("abstract", as_text),
            legal_status=given("legal_status", as_text), owners=given("owners", _owners),
            office=given("office", as_text), kind=given("kind", as_text),
            application_number=given("application_number", as_text),
            publication_number=given("publication_number", as_text), grant_number=given("grant_number", as_text),
            filing_date=given("filing_date", _day), publication_date=given("publication_date", _day),
            grant_date=given("grant_date", _day), ipc_main=given("ipc_main", as_text),
            ipc_codes=given("ipc_codes", _codes), inventors=given("inventors", as_text),
            claims=given("claims", as_text), registration_number=given("registration_number", as_text),
            nice_classes=given("nice_classes", _classes), goods_services=given("goods_services", as_text),
            registration_date=given("registration_date", _day), renewed_until=given("renewed_until", _day),
            work_category=given("work_category", as_text), version=given("version", as_text),
            completion_date=given("completion_date", _day), protected_region=given("protected_region", as_text),
            producer=given("producer", as_text), category=given("category", as_text),
            approval_number=given("approval_number", as_text), approval_date=given("approval_date", _day),
        )

    def given(self) -> dict[str, object]:
        """The fields given, by name."""
        return given_fields(self)
