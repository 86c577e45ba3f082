"""Writes for the catalog: register and edit IP assets, with every identifier checked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.catalog import identifiers
from ipx.catalog.models import Asset, AssetLicence, AssetOwner, Copyright, GIProduct, Patent, Trademark
from ipx.catalog.reference import check_ipc_code
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.events import publish

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


# --- Common asset fields ---------------------------------------------------------------------

def _clean_common(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
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

def _clean_patent(data: dict[str, Any], errors: FieldErrors, *, current: Patent | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    office = str(data.get("office") or "CN").strip().upper()
    if len(office) != 2 or not office.isalpha():
        errors.add("office", _("Give the patent office as a two-letter code, e.g. CN, US, EP."))
    cleaned["office"] = office

    kind_given = parse_patent_kind(data.get("kind"))
    if kind_given == "":
        errors.add("kind", _("The kind must be invention, utility model or design."))
    implied_kinds: dict[str, str] = {}

    application_number: str | None = None
    app_number_obj: identifiers.ApplicationNumber | None = None
    raw_application = str(data.get("application_number") or "").strip()
    if raw_application:
        try:
            if office == "CN":
                app_number_obj = identifiers.parse_cn_application_number(raw_application)
                application_number = str(app_number_obj)
                implied_kinds["application_number"] = app_number_obj.kind
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
    cleaned.update(application_number=application_number, kind=kind or "", **numbers)

    filing = clean_date(data.get("filing_date"), field="filing_date", errors=errors, label=_("Filing date"))
    publication = clean_date(data.get("publication_date"), field="publication_date", errors=errors,
                             label=_("Publication date"))
    grant = clean_date(data.get("grant_date"), field="grant_date", errors=errors, label=_("Grant date"))
    if filing and publication and publication < filing:
        errors.add("publication_date", _("The publication date is before the filing date."))
    if filing and grant and grant < filing:
        errors.add("grant_date", _("The grant date is before the filing date."))
    # PCT national-phase numbers (kind digit 8, 9) carry the year of entry, not of filing.
    if filing and app_number_obj and app_number_obj.kind_digit in "123" and filing.year != app_number_obj.year:
        errors.add("filing_date", _("The application number was filed in %(year)d, not %(given)d.")
                   % {"year": app_number_obj.year, "given": filing.year})
    cleaned.update(filing_date=filing, publication_date=publication, grant_date=grant)

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
    cleaned.update(ipc_codes=codes, ipc_main=ipc_main or (codes[0] if codes else ""))
    cleaned["inventors"] = clean_text(data.get("inventors"), field="inventors", errors=errors,
                                      required=False, max_length=2000)
    cleaned["claims"] = clean_text(data.get("claims"), field="claims", errors=errors, required=False,
                                   max_length=MAX_TEXT)

    # The same patent must not be registered twice; say who has it.
    for field in ("application_number", "publication_number"):
        value = cleaned.get(field)
        if not value:
            continue
        duplicate = Patent.objects.filter(office=office, **{field: value})
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        if duplicate.exists():
            errors.add(field, _("Patent %(number)s is already registered on IPX.") % {"number": value})
    return cleaned


def _set_owners(asset: Asset, names: list[str], holder: Organisation) -> None:
    names = names or [holder.name]
    asset.owners.all().delete()
    AssetOwner.objects.bulk_create([
        AssetOwner(asset=asset, name=name, position=index,
                   organisation=holder if name == holder.name else None)
        for index, name in enumerate(names)
    ])


def _asset_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: cleaned[name] for name in ("title", "title_en", "abstract", "legal_status")}


# --- Trademarks, copyrights, GI products -----------------------------------------------------

def _clean_trademark(data: dict[str, Any], errors: FieldErrors, *, current: Trademark | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {"office": "CN"}
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
    if number:
        duplicate = Trademark.objects.filter(office="CN", registration_number=number)
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        if duplicate.exists():
            errors.add("registration_number", _("Trademark %(number)s is already registered on IPX.")
                       % {"number": number})
    return cleaned


def _clean_copyright(data: dict[str, Any], errors: FieldErrors, *, current: Copyright | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
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
    if number:
        duplicate = Copyright.objects.filter(registration_number=number)
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        if duplicate.exists():
            errors.add("registration_number", _("Copyright %(number)s is already registered on IPX.")
                       % {"number": number})
    return cleaned


def _clean_gi(data: dict[str, Any], errors: FieldErrors, *, current: GIProduct | None) -> dict[str, Any]:
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


_DETAIL_MODELS: dict[str, Any] = {
    Asset.Type.PATENT: (Patent, _clean_patent),
    Asset.Type.TRADEMARK: (Trademark, _clean_trademark),
    Asset.Type.COPYRIGHT: (Copyright, _clean_copyright),
    Asset.Type.GI: (GIProduct, _clean_gi),
}


def clean_asset_data(ip_type: str, data: dict[str, Any], *,
                     current_detail: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Checks every field of an asset of ``ip_type``; raises one ValidationFailed naming all
    bad fields, or returns the cleaned common and type-specific values."""
    if ip_type not in _DETAIL_MODELS:
        raise ValidationFailed.for_field("ip_type", _("Assets of this type cannot be registered here."))
    _model, cleaner = _DETAIL_MODELS[ip_type]
    errors = FieldErrors()
    common = _clean_common(data, errors)
    detail = cleaner(data, errors, current=current_detail)
    errors.raise_if_any()
    return common, detail


def create_asset(holder: Organisation, ip_type: str, common: dict[str, Any], detail: dict[str, Any]) -> Asset:
    """Write a cleaned asset; callers have checked access and cleaned the data."""
    model, _cleaner = _DETAIL_MODELS[ip_type]
    asset = Asset.objects.create(ip_type=ip_type, holder=holder, **_asset_fields(common))
    model.objects.create(asset=asset, **detail)
    _set_owners(asset, common["owners"], holder)
    publish("asset.changed", asset_id=asset.pk)
    return asset


def update_asset(asset: Asset, common: dict[str, Any], detail: dict[str, Any]) -> Asset:
    for name, value in _asset_fields(common).items():
        setattr(asset, name, value)
    asset.save()
    model, _cleaner = _DETAIL_MODELS[asset.ip_type]
    model.objects.filter(pk=asset.pk).update(**detail)
    _set_owners(asset, common["owners"], asset.holder)
    publish("asset.changed", asset_id=asset.pk)
    return asset


@transaction.atomic
def asset_register(*, organisation_id: int, actor: User, ip_type: str, data: dict[str, Any]) -> Asset:
    """Register an IP asset of any type for an organisation the actor belongs to."""
    holder = access_organisation(actor, organisation_id)
    common, detail = clean_asset_data(ip_type, data)
    return create_asset(holder, ip_type, common, detail)


def _locked_asset_for_editor(actor: User, asset_id: int) -> Asset:
    try:
        asset = Asset.objects.select_for_update().select_related("holder").get(pk=asset_id)
    except Asset.DoesNotExist:
        raise NotFound(_("No such asset.")) from None
    access_organisation(actor, asset.holder_id)
    return asset


@transaction.atomic
def asset_update(*, asset_id: int, actor: User, data: dict[str, Any]) -> Asset:
    """Change an asset's details; fields left out keep their values."""
    asset = _locked_asset_for_editor(actor, asset_id)
    detail = asset.detail
    current = _current_values(asset, detail)
    merged = current | {k: v for k, v in data.items() if k in current}
    if "ipc_codes" in data and "ipc_main" not in data:
        merged["ipc_main"] = ""  # new codes without a main one: the first becomes main
    common, cleaned_detail = clean_asset_data(asset.ip_type, merged, current_detail=detail)
    return update_asset(asset, common, cleaned_detail)


def _current_values(asset: Asset, detail: Any) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(asset, name) for name in ("title", "title_en", "abstract", "legal_status")}
    values["owners"] = [owner.name for owner in asset.owners.all()]
    if detail is not None:
        for field in detail._meta.concrete_fields:
            if field.name != "asset":
                values[field.name] = getattr(detail, field.name)
    return values


@transaction.atomic
def asset_delete(*, asset_id: int, actor: User) -> None:
    asset = _locked_asset_for_editor(actor, asset_id)
    try:
        with transaction.atomic():
            asset.delete()
    except ProtectedError:
        # Listings protect the assets they offer; the catalog need not know about them.
        raise Conflict(_("This asset is part of a listing; withdraw or edit the listing first.")) from None


def assets_of(organisation: Organisation, ids: Iterable[int]) -> list[Asset]:
    """The given assets, all held by ``organisation``; refuses any that are not."""
    wanted = sorted(set(ids))
    found = list(Asset.objects.filter(pk__in=wanted).select_related("holder"))
    if len(found) != len(wanted):
        raise ValidationFailed.for_field("asset_ids", _("Some of these assets do not exist."))
    if any(asset.holder_id != organisation.pk for asset in found):
        raise PermissionDenied(_("Only assets held by %(name)s can be listed by it.") % {"name": organisation.name})
    return found


# --- Changes that deals bring ---------------------------------------------------------------

@transaction.atomic
def asset_transfer_ownership(*, asset_id: int, to_organisation: Organisation, from_organisation: Organisation,
                             recordal_number: str) -> Asset:
    """After a recorded assignment: the buyer holds the asset and replaces the seller as owner."""
    asset = Asset.objects.select_for_update().get(pk=asset_id)
    if asset.holder_id != from_organisation.pk:
        raise Conflict(_("%(asset)s is no longer held by %(seller)s.") % {"asset": asset.title,
                                                                         "seller": from_organisation.name})
    asset.holder = to_organisation
    asset.save(update_fields=["holder", "updated_at"])
    owners = list(asset.owners.all())
    seller_rows = [owner for owner in owners if owner.organisation_id == from_organisation.pk
                   or owner.name == from_organisation.name]
    if seller_rows:
        for owner in seller_rows:
            owner.organisation = to_organisation
            owner.name = to_organisation.name
        AssetOwner.objects.bulk_update(seller_rows, ["organisation", "name"])
    else:
        AssetOwner.objects.create(asset=asset, organisation=to_organisation, name=to_organisation.name,
                                  position=len(owners))
    publish("asset.changed", asset_id=asset.pk)
    return asset


@transaction.atomic
def asset_licence_record(*, asset_id: int, licensor: Organisation, licensee: Organisation, exclusivity: str,
                         territory: str, field_of_use: str, starts_on: date, ends_on: date | None,
                         recordal_number: str, source: str) -> AssetLicence:
    licence = AssetLicence.objects.create(
        asset_id=asset_id, licensor=licensor, licensee=licensee, exclusivity=exclusivity, territory=territory,
        field_of_use=field_of_use, starts_on=starts_on, ends_on=ends_on, recordal_number=recordal_number,
        source=source)
    publish("asset.changed", asset_id=asset_id)
    return licence
