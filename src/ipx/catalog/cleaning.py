"""The checks an asset's fields pass before it is written, one set per IP type.

Every problem is collected (``FieldErrors``) so a form or an import row shows all of them at
once; the first message per field is the one shown. Registration, editing, the spreadsheet
import and the demo data all clean through ``clean_asset_data``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from ipx.catalog import identifiers
from ipx.catalog.models import Asset, Copyright, GIProduct, Patent, Trademark
from ipx.catalog.reference import check_ipc_code
from ipx.core.errors import ValidationFailed
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text

MAX_IPC_CODES = 50
MAX_OWNERS = 30
MAX_TEXT = 100_000

# Legal-status words as CNIPA exports write them (法律状态), mapped to ours.
CNIPA_LEGAL_STATUS = {
    "有权": Asset.LegalStatus.IN_FORCE,
    "审中": Asset.LegalStatus.PENDING,
    "无权": Asset.LegalStatus.LAPSED,
    "失效": Asset.LegalStatus.LAPSED,
    "届满": Asset.LegalStatus.EXPIRED,
    "期满": Asset.LegalStatus.EXPIRED,
    "无效": Asset.LegalStatus.INVALIDATED,
    "撤回": Asset.LegalStatus.WITHDRAWN,
    "驳回": Asset.LegalStatus.WITHDRAWN,
}
CNIPA_PATENT_KINDS = {
    "发明": Patent.Kind.INVENTION,
    "实用新型": Patent.Kind.UTILITY_MODEL,
    "外观设计": Patent.Kind.DESIGN,
    "外观": Patent.Kind.DESIGN,
}

Cleaned = dict[str, Any]


def parse_legal_status(value: object) -> str | None:
    """Our status from ours ("in_force"), its label, or CNIPA's words ("有权-审定授权")."""
    text = str(value or "").strip()
    if not text:
        return None
    if text in Asset.LegalStatus.values:
        return text
    for status in Asset.LegalStatus:
        if text.lower() == str(status.label).lower():
            return status.value
    for word, status in CNIPA_LEGAL_STATUS.items():
        if text.startswith(word):
            return status
    return ""


def parse_patent_kind(value: object) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if text in Patent.Kind.values:
        return text
    for kind in Patent.Kind:
        if text.lower() == str(kind.label).lower():
            return kind.value
    for word, kind in CNIPA_PATENT_KINDS.items():
        if text.startswith(word):
            return kind
    return ""


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


def _not_registered_twice(errors: FieldErrors, field: str, number: str | None, rows: QuerySet[Any],
                          current: Model | None, message: str) -> None:
    """The same right must not be registered twice; say which number is taken."""
    if not number:
        return
    if current is not None:
        rows = rows.exclude(pk=current.pk)
    if rows.exists():
        errors.add(field, message % {"number": number})


# --- Common asset fields ---------------------------------------------------------------------

def _clean_common(data: Cleaned, errors: FieldErrors) -> Cleaned:
    cleaned: Cleaned = {
        "title": clean_text(data.get("title"), field="title", errors=errors, max_length=300,
                            label=_("Title")),
        "title_en": clean_text(data.get("title_en"), field="title_en", errors=errors, required=False,
                               max_length=300),
        "abstract": clean_text(data.get("abstract"), field="abstract", errors=errors, required=False,
                               max_length=MAX_TEXT),
    }
    status = parse_legal_status(data.get("legal_status"))
    if status == "":
        errors.add("legal_status", _("“%(value)s” is not a legal status; use one of %(allowed)s.")
                   % {"value": data.get("legal_status"), "allowed": ", ".join(Asset.LegalStatus.values)})
    cleaned["legal_status"] = status or Asset.LegalStatus.IN_FORCE
    owners = split_list(data.get("owners"), commas=False)
    if len(owners) > MAX_OWNERS:
        errors.add("owners", _("At most %(n)d owners.") % {"n": MAX_OWNERS})
    if any(len(name) > 200 for name in owners):
        errors.add("owners", _("An owner's name has at most 200 characters."))
    cleaned["owners"] = owners
    return cleaned


# --- Patents ---------------------------------------------------------------------------------

def _patent_numbers(data: Cleaned, office: str,
                    errors: FieldErrors) -> tuple[Cleaned, identifiers.ApplicationNumber | None]:
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
    return {"application_number": application_number, "kind": kind or "", **numbers}, parsed_application


def _patent_dates(data: Cleaned, errors: FieldErrors,
                  application: identifiers.ApplicationNumber | None) -> dict[str, date | None]:
    filing = clean_date(data.get("filing_date"), field="filing_date", errors=errors, label=_("Filing date"))
    publication = clean_date(data.get("publication_date"), field="publication_date", errors=errors,
                             label=_("Publication date"))
    grant = clean_date(data.get("grant_date"), field="grant_date", errors=errors, label=_("Grant date"))
    if filing and publication and publication < filing:
        errors.add("publication_date", _("The publication date is before the filing date."))
    if filing and grant and grant < filing:
        errors.add("grant_date", _("The grant date is before the filing date."))
    # PCT national-phase numbers (kind digit 8, 9) carry the year of entry, not of filing.
    if filing and application and application.kind_digit in "123" and filing.year != application.year:
        errors.add("filing_date", _("The application number was filed in %(year)d, not %(given)d.")
                   % {"year": application.year, "given": filing.year})
    return {"filing_date": filing, "publication_date": publication, "grant_date": grant}


def _ipc_codes(data: Cleaned, errors: FieldErrors) -> Cleaned:
    """Known IPC codes without repeats, the main one first (the first code when none is named)."""
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
    return {"ipc_codes": codes, "ipc_main": ipc_main or (codes[0] if codes else "")}


def _clean_patent(data: Cleaned, errors: FieldErrors, *, current: Patent | None) -> Cleaned:
    office = str(data.get("office") or "CN").strip().upper()
    if len(office) != 2 or not office.isalpha():
        errors.add("office", _("Give the patent office as a two-letter code, e.g. CN, US, EP."))
    numbers, application = _patent_numbers(data, office, errors)
    cleaned: Cleaned = {"office": office, **numbers, **_patent_dates(data, errors, application),
                        **_ipc_codes(data, errors)}
    cleaned["inventors"] = clean_text(data.get("inventors"), field="inventors", errors=errors,
                                      required=False, max_length=2000)
    cleaned["claims"] = clean_text(data.get("claims"), field="claims", errors=errors, required=False,
                                   max_length=MAX_TEXT)
    for field in ("application_number", "publication_number"):
        _not_registered_twice(errors, field, cleaned[field], Patent.objects.filter(office=office,
                                                                                   **{field: cleaned[field]}),
                              current, _("Patent %(number)s is already registered on IPX."))
    return cleaned


# --- Trademarks, copyrights, GI products -----------------------------------------------------

def _clean_trademark(data: Cleaned, errors: FieldErrors, *, current: Trademark | None) -> Cleaned:
    cleaned: Cleaned = {"office": "CN"}
    try:
        cleaned["registration_number"] = identifiers.parse_trademark_number(str(data.get("registration_number") or ""))
    except ValidationFailed as exc:
        errors.collect(exc)
        cleaned["registration_number"] = ""
    try:
        cleaned["nice_classes"] = identifiers.parse_nice_classes(data.get("nice_classes"))
    except ValidationFailed as exc:
        errors.collect(exc)
        cleaned["nice_classes"] = []
    cleaned["goods_services"] = clean_text(data.get("goods_services"), field="goods_services", errors=errors,
                                           required=False, max_length=10_000)
    cleaned["registration_date"] = clean_date(data.get("registration_date"), field="registration_date",
                                              errors=errors, label=_("Registration date"))
    cleaned["renewed_until"] = clean_date(data.get("renewed_until"), field="renewed_until", errors=errors,
                                          not_future=False)
    number = cleaned["registration_number"]
    _not_registered_twice(errors, "registration_number", number,
                          Trademark.objects.filter(office="CN", registration_number=number), current,
                          _("Trademark %(number)s is already registered on IPX."))
    return cleaned


def _clean_copyright(data: Cleaned, errors: FieldErrors, *, current: Copyright | None) -> Cleaned:
    cleaned: Cleaned = {}
    kind = clean_choice(data.get("kind"), Copyright.Kind, field="kind", errors=errors)
    cleaned["kind"] = kind
    raw = str(data.get("registration_number") or "")
    cleaned["registration_number"] = ""
    try:
        if kind == Copyright.Kind.SOFTWARE:
            cleaned["registration_number"] = identifiers.parse_software_copyright_number(raw)
        elif kind == Copyright.Kind.WORK:
            cleaned["registration_number"] = identifiers.parse_work_copyright_number(raw)
    except ValidationFailed as exc:
        errors.collect(exc)
    cleaned["work_category"] = clean_text(data.get("work_category"), field="work_category", errors=errors,
                                          required=False, max_length=60)
    cleaned["version"] = clean_text(data.get("version"), field="version", errors=errors, required=False,
                                    max_length=30)
    cleaned["completion_date"] = clean_date(data.get("completion_date"), field="completion_date", errors=errors)
    cleaned["registration_date"] = clean_date(data.get("registration_date"), field="registration_date",
                                              errors=errors)
    number = cleaned["registration_number"]
    _not_registered_twice(errors, "registration_number", number,
                          Copyright.objects.filter(registration_number=number), current,
                          _("Copyright %(number)s is already registered on IPX."))
    return cleaned


def _clean_gi(data: Cleaned, errors: FieldErrors, *, current: GIProduct | None) -> Cleaned:
    return {
        "protected_region": clean_text(data.get("protected_region"), field="protected_region", errors=errors,
                                       max_length=200, label=_("Protected region")),
        "producer": clean_text(data.get("producer"), field="producer", errors=errors, max_length=200,
                               label=_("Producer")),
        "category": clean_text(data.get("category"), field="category", errors=errors, required=False,
                               max_length=100),
        "approval_number": clean_text(data.get("approval_number"), field="approval_number", errors=errors,
                                      required=False, max_length=60),
        "approval_date": clean_date(data.get("approval_date"), field="approval_date", errors=errors),
    }


# Each type's detail model and the checks of its fields.
DETAIL_MODELS: dict[str, tuple[type[Model], Callable[..., Cleaned]]] = {
    Asset.Type.PATENT: (Patent, _clean_patent),
    Asset.Type.TRADEMARK: (Trademark, _clean_trademark),
    Asset.Type.COPYRIGHT: (Copyright, _clean_copyright),
    Asset.Type.GI: (GIProduct, _clean_gi),
}


def clean_asset_data(ip_type: str, data: Cleaned, *, current_detail: Any = None) -> tuple[Cleaned, Cleaned]:
    """Checks every field of an asset of ``ip_type``; raises one ValidationFailed naming all
    bad fields, or returns the cleaned common and type-specific values."""
    if ip_type not in DETAIL_MODELS:
        raise ValidationFailed.for_field("ip_type", _("Assets of this type cannot be registered here."))
    _model, cleaner = DETAIL_MODELS[ip_type]
    errors = FieldErrors()
    common = _clean_common(data, errors)
    detail = cleaner(data, errors, current=current_detail)
    errors.raise_if_any()
    return common, detail
