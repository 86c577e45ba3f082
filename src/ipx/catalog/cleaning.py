"""The one parser of assets: the checks an asset's fields pass before it is written, one set
per IP type, turning ``AssetValues`` into a typed ``AssetInput``.

Every problem is collected (``FieldErrors``) so a form, an API call or an import row shows
all of them at once; the first message per field is the one shown. A number registered on
IPX already is one of those problems, named with the rest. Registration and editing (pages,
API), the spreadsheet import and the demo data all parse here; registry numbers themselves
are read by ``identifiers``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from django.db.models import Model, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.catalog import identifiers
from ipx.catalog.choice_words import parse_legal_status, parse_patent_kind
from ipx.catalog.inputs import (
    AssetInput,
    AssetValues,
    CopyrightInput,
    DetailInput,
    GIProductInput,
    PatentInput,
    TrademarkInput,
    split_list,
)
from ipx.catalog.models import Asset, Copyright, Patent, Trademark
from ipx.catalog.reference import check_ipc_code
from ipx.core.errors import ValidationFailed
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text

MAX_IPC_CODES = 50
MAX_OWNERS = 30
MAX_TEXT = 100_000
# Labels named in error messages only: translated when a message is written, not per row.
_TITLE = gettext_lazy("Title")
_FILING_DATE = gettext_lazy("Filing date")
_PUBLICATION_DATE = gettext_lazy("Publication date")
_GRANT_DATE = gettext_lazy("Grant date")

_ASSET_FIELDS = ("title", "title_en", "abstract", "legal_status")

# The values being checked, by field name: what was given over what the asset holds now.
Data = Mapping[str, object]
# (number field, office, number) → the primary key of the detail row registered with that
# number, or None: lets a caller that loaded the numbers already (an import's chunk) spare a
# query per number. Without it the database is asked.
RegisteredNumbers = Callable[[str, str, str], object]
# The "number field" a lookup is asked with for a CN serial (a publication or grant number
# without its kind code), which every document of one application shares.
SAME_APPLICATION = "cn_serial"


def parse_asset(ip_type: str, values: AssetValues, *, registered: RegisteredNumbers | None = None) -> AssetInput:
    """A new asset of ``ip_type``; raises one ValidationFailed naming every bad field."""
    return _parse(ip_type, values.given(), current=None, registered=registered)


def parse_asset_change(asset: Asset, changes: AssetValues, *, registered: RegisteredNumbers | None = None,
                       owners: Sequence[str] | None = None) -> AssetInput:
    """``asset`` as it would be after ``changes``, checked as a whole by the same rules as a
    new one; fields the changes leave out keep their values. ``owners``: the asset's owners'
    names in order, if the caller has read them (else they are read here)."""
    given = changes.given()
    if "ipc_codes" in given and "ipc_main" not in given:
        given["ipc_main"] = ""  # new codes without a main one: the first becomes main
    return _parse(asset.ip_type, current_values(asset, owners) | given, current=asset.detail, registered=registered)


def current_values(asset: Asset, owners: Sequence[str] | None = None) -> dict[str, object]:
    """What the asset holds now, by field name (``owners`` as in ``parse_asset_change``)."""
    values: dict[str, object] = {name: getattr(asset, name) for name in _ASSET_FIELDS}
    values["owners"] = list(owners) if owners is not None else [owner.name for owner in asset.owners.all()]
    detail = asset.detail
    if detail is not None:
        for field in detail._meta.concrete_fields:
            if field.name != "asset":
                values[field.name] = getattr(detail, field.name)
    return values


def _parse(ip_type: str, data: Data, *, current: Model | None, registered: RegisteredNumbers | None) -> AssetInput:
    cleaner = _CLEANERS.get(ip_type)
    if cleaner is None:
        raise ValidationFailed.for_field("ip_type", _("Assets of this type cannot be registered here."))
    errors = FieldErrors()
    title = clean_text(data.get("title"), field="title", errors=errors, max_length=300, label=_TITLE)
    title_en = clean_text(data.get("title_en"), field="title_en", errors=errors, required=False, max_length=300)
    abstract = clean_text(data.get("abstract"), field="abstract", errors=errors, required=False,
                          max_length=MAX_TEXT)
    legal_status = _legal_status(data.get("legal_status"), errors)
    owners = _owners(data.get("owners"), errors)
    detail = cleaner(data, errors, _Registry(current, registered))
    errors.raise_if_any()
    return AssetInput(title=title, title_en=title_en, abstract=abstract, legal_status=legal_status,
                      owners=owners, detail=detail)


class _Registry(NamedTuple):
    """What the numbers are checked against: the detail row being edited (whose own numbers
    are no clash), and the caller's lookup of registered numbers, if any."""

    current: Model | None
    lookup: RegisteredNumbers | None

    def check(self, errors: FieldErrors, field: str, office: str, number: str | None, model: type[Model],
              rows: Mapping[str, object], message: Promise) -> None:
        """The same right must not be registered twice; say which number is taken. ``rows``
        filters ``model`` for the number, queried only without the caller's lookup (an
        import checks thousands of rows against its own)."""
        if not number:
            return
        current_pk = self.current.pk if self.current is not None else None
        if self.lookup is not None:
            holder = self.lookup(field, office, number)
            taken = holder is not None and holder != current_pk
        else:
            found = model._default_manager.filter(**rows)
            taken = (found.exclude(pk=current_pk) if current_pk is not None else found).exists()
        if taken:
            errors.add(field, message % {"number": number})

    def check_same_application(self, errors: FieldErrors, field: str, number: str | None) -> None:
        """A CN publication or grant number must not be another kind code's document of a
        patent registered already (CN114234912B when CN114234912A is): its serial is compared.
        A number the asset holds already passes, so rows registered twice before this check
        stay editable."""
        serial = identifiers.cn_publication_serial(number)
        if serial is None or number == getattr(self.current, field, None):
            return
        current_pk = self.current.pk if self.current is not None else None
        if self.lookup is not None:
            holder = self.lookup(SAME_APPLICATION, "CN", serial)
            taken = holder is not None and holder != current_pk
        else:
            # A prefix finds the few candidates by index; the serial must then match whole
            # (CN11423491A is not CN114234912A's).
            found = Patent.objects.filter(Q(publication_number__startswith=serial) | Q(grant_number__startswith=serial),
                                          office="CN").exclude(pk=current_pk).values_list("publication_number",
                                                                                          "grant_number")
            taken = any(identifiers.cn_publication_serial(other) == serial for row in found for other in row)
        if taken:
            errors.add(field, _("Patent %(number)s is already registered on IPX under another kind code (as the "
                                "same application's publication or grant).") % {"number": number})


# --- Common asset fields ---------------------------------------------------------------------

def _legal_status(value: object, errors: FieldErrors) -> str:
    status = parse_legal_status(value)
    if status == "":
        errors.add("legal_status", _("“%(value)s” is not a legal status; use one of %(allowed)s.")
                   % {"value": value, "allowed": ", ".join(Asset.LegalStatus.values)})
    return status or Asset.LegalStatus.IN_FORCE


def _owners(value: object, errors: FieldErrors) -> tuple[str, ...]:
    owners = tuple(split_list(value, commas=False))
    if len(owners) > MAX_OWNERS:
        errors.add("owners", _("At most %(n)d owners.") % {"n": MAX_OWNERS})
    if any(len(name) > 200 for name in owners):
        errors.add("owners", _("An owner's name has at most 200 characters."))
    return owners


# --- Patents ---------------------------------------------------------------------------------

class _Numbers(NamedTuple):
    kind: str
    application_number: str | None
    publication_number: str | None
    grant_number: str | None
    application: identifiers.ApplicationNumber | None  # parsed, for the filing year


def _patent_numbers(data: Data, office: str, errors: FieldErrors) -> _Numbers:
    """The application, publication and grant numbers and the kind, which CN numbers imply."""
    kind_given = parse_patent_kind(data.get("kind"))
    if kind_given == "":
        errors.add("kind", _("The kind must be invention, utility model or design."))
    implied_kinds: dict[str, str] = {}

    application_number: str | None = None
    parsed_application: identifiers.ApplicationNumber | None = None
    raw_application = str(data.get("application_number") or "").strip()
    if raw_application:
        try:
            if office == "CN":
                parsed_application = identifiers.parse_cn_application_number(raw_application)
                application_number = str(parsed_application)
                implied_kinds["application_number"] = parsed_application.kind
            else:
                application_number = identifiers.check_foreign_number(raw_application, field="application_number")
        except ValidationFailed as exc:
            errors.collect(exc)

    numbers: dict[str, str | None] = {}
    for field in ("publication_number", "grant_number"):
        raw = str(data.get(field) or "").strip()
        numbers[field] = None
        if not raw:
            continue
        try:
            if office == "CN":
                number, implied = identifiers.parse_cn_publication_number(raw, field=field)
                numbers[field] = number
                implied_kinds[field] = implied
            else:
                numbers[field] = identifiers.check_foreign_number(raw, field=field)
        except ValidationFailed as exc:
            errors.collect(exc)

    if not raw_application and not numbers["publication_number"] and not data.get("publication_number"):
        errors.add("application_number", _("Give the application number (or at least the publication number)."))

    kind = kind_given or next(iter(implied_kinds.values()), None)
    for field, implied in implied_kinds.items():
        if kind and implied != kind:
            errors.add(field, _("This number belongs to a patent of kind “%(implied)s”, but the kind given is "
                                "“%(kind)s”.")
                       % {"implied": Patent.Kind(implied).label, "kind": Patent.Kind(kind).label})
    if not kind:
        errors.add("kind", _("Give the kind: invention, utility model or design."))
    return _Numbers(kind or "", application_number, numbers["publication_number"], numbers["grant_number"],
                    parsed_application)


def _patent_dates(data: Data, errors: FieldErrors,
                  application: identifiers.ApplicationNumber | None) -> tuple[date | None, date | None, date | None]:
    filing = clean_date(data.get("filing_date"), field="filing_date", errors=errors, label=_FILING_DATE)
    publication = clean_date(data.get("publication_date"), field="publication_date", errors=errors,
                             label=_PUBLICATION_DATE)
    grant = clean_date(data.get("grant_date"), field="grant_date", errors=errors, label=_GRANT_DATE)
    if filing and publication and publication < filing:
        errors.add("publication_date", _("The publication date is before the filing date."))
    if filing and grant and grant < filing:
        errors.add("grant_date", _("The grant date is before the filing date."))
    # PCT national-phase numbers (kind digit 8, 9) carry the year of entry, not of filing.
    if filing and application and application.kind_digit in "123" and filing.year != application.year:
        errors.add("filing_date", _("The application number was filed in %(year)d, not %(given)d.")
                   % {"year": application.year, "given": filing.year})
    return filing, publication, grant


def _ipc_codes(data: Data, errors: FieldErrors) -> tuple[tuple[str, ...], str]:
    """Known IPC codes without repeats, the main one first (the first code when none is named),
    and the main one."""
    codes: list[str] = []
    for raw_code in split_list(data.get("ipc_codes")):
        try:
            code = check_ipc_code(raw_code)
        except ValidationFailed as exc:
            errors.collect(exc)
            continue
        if code not in codes:
            codes.append(code)
    ipc_main_raw = str(data.get("ipc_main") or "").strip()
    ipc_main = ""
    if ipc_main_raw:
        try:
            ipc_main = check_ipc_code(ipc_main_raw, field="ipc_main")
        except ValidationFailed as exc:
            errors.collect(exc)
        else:
            codes = [ipc_main, *[c for c in codes if c != ipc_main]]
    if len(codes) > MAX_IPC_CODES:
        errors.add("ipc_codes", _("At most %(n)d IPC codes.") % {"n": MAX_IPC_CODES})
    return tuple(codes), ipc_main or (codes[0] if codes else "")


def _clean_patent(data: Data, errors: FieldErrors, registry: _Registry) -> PatentInput:
    office = str(data.get("office") or "CN").strip().upper()
    if len(office) != 2 or not office.isalpha():
        errors.add("office", _("Give the patent office as a two-letter code, e.g. CN, US, EP."))
    numbers = _patent_numbers(data, office, errors)
    filing, publication, grant = _patent_dates(data, errors, numbers.application)
    codes, main = _ipc_codes(data, errors)
    patent = PatentInput(
        office=office, kind=numbers.kind, application_number=numbers.application_number,
        publication_number=numbers.publication_number, grant_number=numbers.grant_number,
        filing_date=filing, publication_date=publication, grant_date=grant, ipc_main=main, ipc_codes=codes,
        inventors=clean_text(data.get("inventors"), field="inventors", errors=errors, required=False,
                             max_length=2000),
        claims=clean_text(data.get("claims"), field="claims", errors=errors, required=False, max_length=MAX_TEXT),
    )
    for field, number in (("application_number", patent.application_number),
                          ("publication_number", patent.publication_number)):
        registry.check(errors, field, office, number, Patent, {"office": office, field: number},
                       gettext_lazy("Patent %(number)s is already registered on IPX."))
    if office == "CN":
        for field in ("publication_number", "grant_number"):
            registry.check_same_application(errors, field, getattr(patent, field))
    return patent


# --- Trademarks, copyrights, GI products -----------------------------------------------------

def _clean_trademark(data: Data, errors: FieldErrors, registry: _Registry) -> TrademarkInput:
    number = ""
    try:
        number = identifiers.parse_trademark_number(str(data.get("registration_number") or ""))
    except ValidationFailed as exc:
        errors.collect(exc)
    classes: list[int] = []
    try:
        classes = identifiers.parse_nice_classes(data.get("nice_classes"))
    except ValidationFailed as exc:
        errors.collect(exc)
    trademark = TrademarkInput(
        office="CN", registration_number=number, nice_classes=tuple(classes),
        goods_services=clean_text(data.get("goods_services"), field="goods_services", errors=errors,
                                  required=False, max_length=10_000),
        registration_date=clean_date(data.get("registration_date"), field="registration_date", errors=errors,
                                     label=_("Registration date")),
        renewed_until=clean_date(data.get("renewed_until"), field="renewed_until", errors=errors,
                                 not_future=False),
    )
    registry.check(errors, "registration_number", "CN", number, Trademark,
                   {"office": "CN", "registration_number": number},
                   gettext_lazy("Trademark %(number)s is already registered on IPX."))
    return trademark


def _clean_copyright(data: Data, errors: FieldErrors, registry: _Registry) -> CopyrightInput:
    kind = clean_choice(data.get("kind"), Copyright.Kind, field="kind", errors=errors)
    raw = str(data.get("registration_number") or "")
    number = ""
    try:
        if kind == Copyright.Kind.SOFTWARE:
            number = identifiers.parse_software_copyright_number(raw)
        elif kind == Copyright.Kind.WORK:
            number = identifiers.parse_work_copyright_number(raw)
    except ValidationFailed as exc:
        errors.collect(exc)
    copyright_input = CopyrightInput(
        kind=kind, registration_number=number,
        work_category=clean_text(data.get("work_category"), field="work_category", errors=errors,
                                 required=False, max_length=60),
        version=clean_text(data.get("version"), field="version", errors=errors, required=False, max_length=30),
        completion_date=clean_date(data.get("completion_date"), field="completion_date", errors=errors),
        registration_date=clean_date(data.get("registration_date"), field="registration_date", errors=errors),
    )
    registry.check(errors, "registration_number", "", number, Copyright, {"registration_number": number},
                   gettext_lazy("Copyright %(number)s is already registered on IPX."))
    return copyright_input


def _clean_gi(data: Data, errors: FieldErrors, registry: _Registry) -> GIProductInput:
    return GIProductInput(
        protected_region=clean_text(data.get("protected_region"), field="protected_region", errors=errors,
                                    max_length=200, label=_("Protected region")),
        producer=clean_text(data.get("producer"), field="producer", errors=errors, max_length=200,
                            label=_("Producer")),
        category=clean_text(data.get("category"), field="category", errors=errors, required=False,
                            max_length=100),
        approval_number=clean_text(data.get("approval_number"), field="approval_number", errors=errors,
                                   required=False, max_length=60),
        approval_date=clean_date(data.get("approval_date"), field="approval_date", errors=errors),
    )


# The checks of each type's own fields, against the registry of numbers.
_CLEANERS: dict[str, Callable[[Data, FieldErrors, _Registry], DetailInput]] = {
    Asset.Type.PATENT: _clean_patent,
    Asset.Type.TRADEMARK: _clean_trademark,
    Asset.Type.COPYRIGHT: _clean_copyright,
    Asset.Type.GI: _clean_gi,
}
