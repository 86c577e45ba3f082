"""Writes for listings: create and edit drafts, and the review workflow.

draft → submitted → published (operator review) → withdrawn / expired; a rejected review
sends the listing back to draft with the operator's note. Reserved and sold come with deals.
Each transition locks the row, checks the map below and writes a ListingEvent.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.catalog.services import assets_of
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.events import publish
from ipx.listings.models import (
    PUBLIC_STATUSES,
    Exclusivity,
    Listing,
    ListingAsset,
    ListingEvent,
    OfferKind,
    PriceType,
)

S = Listing.Status
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.PUBLISHED, S.DRAFT},
    S.PUBLISHED: {S.WITHDRAWN, S.EXPIRED, S.RESERVED, S.SOLD},
    S.RESERVED: {S.PUBLISHED, S.SOLD, S.WITHDRAWN},
    S.SOLD: set(),
    S.WITHDRAWN: {S.DRAFT},
    S.EXPIRED: {S.DRAFT},
}
# Statuses in which an asset counts as on offer; an asset is in one such listing at a time.
ACTIVE_STATUSES = (S.SUBMITTED, S.PUBLISHED, S.RESERVED)
EDITABLE_STATUSES = (S.DRAFT, S.PUBLISHED)
DEFAULT_OFFER_DAYS = 365
MAX_ASSETS = 50
MAX_TRIAL_MONTHS = 36
MAX_TERM_MONTHS = 600

FIELDS = (
    "title", "description", "offer_kinds", "licence_exclusivity", "licence_territory", "licence_field",
    "licence_term_months", "trial_months", "after_trial_fee_amount", "after_trial_royalty_percent",
    "price_type", "price_amount", "price_max_amount", "currency", "expires_on", "requires_nda", "nda_text",
)
MAX_NDA_LENGTH = 20_000


def _clean_int(value: object, *, field: str, errors: FieldErrors, low: int, high: int,
               label: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.add(field, _("%(field)s must be a whole number.") % {"field": label})
        return None
    if not low <= number <= high:
        errors.add(field, _("%(field)s must be between %(low)d and %(high)d.")
                   % {"field": label, "low": low, "high": high})
        return None
    return number


def _clean_amount(value: object, currency: str, *, field: str, errors: FieldErrors) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return parse_amount(value, currency, field=field)
    except ValidationFailed as exc:
        errors.collect(exc)
        return None


def clean_listing_data(data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    cleaned: dict[str, Any] = {
        "title": clean_text(data.get("title"), field="title", errors=errors, max_length=200, label=_("Title")),
        "description": clean_text(data.get("description"), field="description", errors=errors,
                                  required=False, max_length=20_000),
    }
    raw_kinds = data.get("offer_kinds") or []
    if isinstance(raw_kinds, str):
        raw_kinds = [k for k in raw_kinds.replace(";", ",").split(",") if k.strip()]
    kinds: list[str] = []
    for kind in raw_kinds:
        kind = str(kind).strip()
        if kind not in OfferKind.values:
            errors.add("offer_kinds", _("“%(value)s” is not a way to offer IP; use %(allowed)s.")
                       % {"value": kind, "allowed": ", ".join(OfferKind.values)})
        elif kind not in kinds:
            kinds.append(kind)
    if not kinds and "offer_kinds" not in errors.errors:
        errors.add("offer_kinds", _("Choose at least one way to offer: transfer, licence, use first pay later, "
                                    "pledge or auction."))
    cleaned["offer_kinds"] = [k for k in OfferKind.values if k in kinds]

    # Licence terms only mean something for a licence; other offers drop them.
    licence = OfferKind.LICENCE in kinds
    cleaned["licence_exclusivity"] = clean_choice(
        data.get("licence_exclusivity"), Exclusivity, field="licence_exclusivity", errors=errors,
        required=licence) if licence else ""
    cleaned["licence_territory"] = clean_text(data.get("licence_territory"), field="licence_territory",
                                              errors=errors, required=False, max_length=200) if licence else ""
    cleaned["licence_field"] = clean_text(data.get("licence_field"), field="licence_field", errors=errors,
                                          required=False, max_length=200) if licence else ""
    cleaned["licence_term_months"] = _clean_int(
        data.get("licence_term_months"), field="licence_term_months", errors=errors, low=1,
        high=MAX_TERM_MONTHS, label=_("Licence term")) if licence else None

    currency_value = data.get("currency") or "CNY"
    try:
        currency = check_currency(currency_value)
    except ValidationFailed as exc:
        errors.collect(exc)
        currency = "CNY"
    cleaned["currency"] = currency

    use_first = OfferKind.USE_FIRST in kinds
    cleaned["trial_months"] = None
    cleaned["after_trial_fee_amount"] = None
    cleaned["after_trial_royalty_percent"] = None
    if use_first:
        cleaned["trial_months"] = _clean_int(data.get("trial_months"), field="trial_months", errors=errors,
                                             low=1, high=MAX_TRIAL_MONTHS, label=_("Free trial"))
        if cleaned["trial_months"] is None and "trial_months" not in errors.errors:
            errors.add("trial_months", _("Give the free trial in months (1 to %(n)d).") % {"n": MAX_TRIAL_MONTHS})
        cleaned["after_trial_fee_amount"] = _clean_amount(data.get("after_trial_fee_amount"), currency,
                                                          field="after_trial_fee_amount", errors=errors)
        royalty = data.get("after_trial_royalty_percent")
        if royalty not in (None, ""):
            try:
                rate = Decimal(str(royalty).strip().rstrip("%"))
                in_range = rate.is_finite() and Decimal("0") < rate <= Decimal("50")
                if not in_range or rate != rate.quantize(Decimal("0.01")):
                    raise InvalidOperation
                cleaned["after_trial_royalty_percent"] = rate
            except (InvalidOperation, ValueError):
                errors.add("after_trial_royalty_percent",
                           _("The royalty is a percentage above 0 and at most 50, with up to 2 decimals."))
        if (cleaned["after_trial_fee_amount"] is None and cleaned["after_trial_royalty_percent"] is None
                and not {"after_trial_fee_amount", "after_trial_royalty_percent"} & set(errors.errors)):
            errors.add("after_trial_fee_amount", _("Say what is paid after the trial: a fee, a royalty, or both."))

    price_type = clean_choice(data.get("price_type") or PriceType.NEGOTIABLE, PriceType, field="price_type",
                              errors=errors)
    cleaned["price_type"] = price_type
    low = high = None
    if price_type in (PriceType.FIXED, PriceType.RANGE):
        low = _clean_amount(data.get("price_amount"), currency, field="price_amount", errors=errors)
        if low is None and "price_amount" not in errors.errors:
            errors.add("price_amount", _("Give the price, or choose “negotiable”."))
    if price_type == PriceType.RANGE:
        high = _clean_amount(data.get("price_max_amount"), currency, field="price_max_amount", errors=errors)
        if high is None and "price_max_amount" not in errors.errors:
            errors.add("price_max_amount", _("Give the highest price of the range."))
        elif low is not None and high is not None and high <= low:
            errors.add("price_max_amount", _("The highest price must be above the lowest."))
    cleaned["price_amount"], cleaned["price_max_amount"] = low, high

    expires = clean_date(data.get("expires_on"), field="expires_on", errors=errors, not_future=False)
    if expires is not None and expires <= date.today():
        errors.add("expires_on", _("The offer must end after today."))
    if expires is not None and expires > date.today() + timedelta(days=5 * 365):
        errors.add("expires_on", _("An offer can run for at most five years."))
    cleaned["expires_on"] = expires

    # Detailed documents behind a non-disclosure agreement: the terms members accept first.
    cleaned["requires_nda"] = data.get("requires_nda") in (True, "true", "True", "on", "1", 1)
    cleaned["nda_text"] = clean_text(data.get("nda_text"), field="nda_text", errors=errors, required=False,
                                     max_length=MAX_NDA_LENGTH, label=_("Non-disclosure terms"))
    if cleaned["requires_nda"] and not cleaned["nda_text"] and "nda_text" not in errors.errors:
        errors.add("nda_text", _("Write the non-disclosure terms that members accept before they see the "
                                 "documents."))
    errors.raise_if_any()
    return cleaned


def _clean_asset_ids(value: object) -> list[int]:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not value:
        raise ValidationFailed.for_field("asset_ids", _("Choose at least one asset to offer."))
    try:
        ids = [int(str(item).strip()) for item in value]
    except ValueError:
        raise ValidationFailed.for_field("asset_ids", _("Asset ids are whole numbers.")) from None
    if len(set(ids)) != len(ids):
        raise ValidationFailed.for_field("asset_ids", _("An asset is named twice."))
    if len(ids) > MAX_ASSETS:
        raise ValidationFailed.for_field("asset_ids", _("A package has at most %(n)d assets.") % {"n": MAX_ASSETS})
    return ids


def _record(listing: Listing, *, from_status: str, actor: User | None, note: str = "") -> None:
    ListingEvent.objects.create(listing=listing, from_status=from_status, to_status=listing.status,
                                actor=actor, note=note)


def _set_assets(listing: Listing, organisation: Organisation, asset_ids: list[int]) -> None:
    assets = assets_of(organisation, asset_ids)
    by_id = {asset.pk: asset for asset in assets}
    listing.asset_links.all().delete()
    ListingAsset.objects.bulk_create([
        ListingAsset(listing=listing, asset=by_id[asset_id], position=index)
        for index, asset_id in enumerate(asset_ids)
    ])


@transaction.atomic
def listing_create(*, organisation_id: int, actor: User, data: dict[str, Any]) -> Listing:
    """A draft listing of assets held by the organisation."""
    organisation = access_organisation(actor, organisation_id)
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}
    asset_ids: list[int] = []
    try:
        cleaned = clean_listing_data(data)
    except ValidationFailed as exc:
        errors.collect(exc)
    try:
        asset_ids = _clean_asset_ids(data.get("asset_ids"))
    except ValidationFailed as exc:
        errors.collect(exc)
    errors.raise_if_any()
    listing = Listing.objects.create(organisation=organisation, created_by=actor, **cleaned)
    _set_assets(listing, organisation, asset_ids)
    _record(listing, from_status="", actor=actor)
    return listing


def _locked(listing_id: int) -> Listing:
    try:
        return Listing.objects.select_for_update().select_related("organisation").get(pk=listing_id)
    except Listing.DoesNotExist:
        raise NotFound(_("No such listing.")) from None


def _locked_for_member(actor: User, listing_id: int) -> Listing:
    listing = _locked(listing_id)
    access_organisation(actor, listing.organisation_id)
    return listing


@transaction.atomic
def listing_update(*, listing_id: int, actor: User, data: dict[str, Any]) -> Listing:
    """Edit a draft, or a published listing (the search index follows). Fields left out
    keep their values."""
    listing = _locked_for_member(actor, listing_id)
    if listing.status not in EDITABLE_STATUSES:
        raise Conflict(_("A listing that is %(status)s cannot be edited.") % {"status": listing.get_status_display()})
    current = {name: getattr(listing, name) for name in FIELDS}
    cleaned = clean_listing_data(current | {k: v for k, v in data.items() if k in FIELDS})
    if "expires_on" not in data and listing.status == S.PUBLISHED:
        cleaned["expires_on"] = listing.expires_on  # may be today or past only via expiry itself
    for name, value in cleaned.items():
        setattr(listing, name, value)
    if "asset_ids" in data:
        asset_ids = _clean_asset_ids(data["asset_ids"])
        if listing.status == S.PUBLISHED:
            _check_assets_free(listing, asset_ids)
        _set_assets(listing, listing.organisation, asset_ids)
    listing.save()
    if listing.status == S.PUBLISHED:
        _record(listing, from_status=listing.status, actor=actor, note=_("edited"))
        publish("listing.changed", listing_id=listing.pk)
    return listing


def _check_transition(listing: Listing, to_status: str) -> None:
    if to_status not in TRANSITIONS[listing.status]:
        raise InvalidTransition(
            _("A listing that is %(from)s cannot become %(to)s.")
            % {"from": listing.get_status_display(), "to": S(to_status).label}
        )


def _check_assets_free(listing: Listing, asset_ids: list[int]) -> None:
    busy = (
        ListingAsset.objects.filter(asset_id__in=asset_ids, listing__status__in=ACTIVE_STATUSES)
        .exclude(listing_id=listing.pk)
        .select_related("asset", "listing")
        .first()
    )
    if busy is not None:
        raise Conflict(
            _("“%(asset)s” is already offered in listing #%(listing)d.")
            % {"asset": busy.asset.title, "listing": busy.listing_id},
            fields={"asset_ids": _("An asset is already on offer elsewhere.")},
        )


def _transition(listing: Listing, to_status: str, *, actor: User | None, note: str = "") -> Listing:
    _check_transition(listing, to_status)
    previous = listing.status
    listing.status = to_status
    listing.save(update_fields=["status", "submitted_at", "published_at", "review_note", "expires_on", "updated_at"])
    _record(listing, from_status=previous, actor=actor, note=note)
    if previous in PUBLIC_STATUSES or to_status in PUBLIC_STATUSES:
        publish("listing.changed", listing_id=listing.pk)
    return listing


@transaction.atomic
def listing_submit(*, listing_id: int, actor: User) -> Listing:
    listing = _locked_for_member(actor, listing_id)
    if not listing.organisation.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; listings can be submitted once the operator "
                                 "has verified it.") % {"name": listing.organisation.name})
    _check_transition(listing, S.SUBMITTED)
    asset_ids = list(listing.asset_links.values_list("asset_id", flat=True))
    if not asset_ids:
        raise ValidationFailed.for_field("asset_ids", _("Add at least one asset before submitting."))
    _check_assets_free(listing, asset_ids)
    listing.submitted_at = timezone.now()
    return _transition(listing, S.SUBMITTED, actor=actor)


def _require_operator(user: User) -> None:
    if not user.is_operator:
        raise PermissionDenied(_("Only operators may review listings."))


@transaction.atomic
def listing_approve(*, listing_id: int, operator: User, note: str = "") -> Listing:
    _require_operator(operator)
    listing = _locked(listing_id)
    _check_transition(listing, S.PUBLISHED)
    if not listing.organisation.is_verified:
        raise Conflict(_("The seller is not verified; verify the organisation first."))
    listing.published_at = timezone.now()
    listing.review_note = note.strip()
    if listing.expires_on is None or listing.expires_on <= date.today():
        listing.expires_on = date.today() + timedelta(days=DEFAULT_OFFER_DAYS)
    _transition(listing, S.PUBLISHED, actor=operator, note=note.strip())
    publish("listing.published", listing_id=listing.pk)
    return listing


@transaction.atomic
def listing_reject(*, listing_id: int, operator: User, reason: str) -> Listing:
    _require_operator(operator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say what the seller must change; they see this note."))
    if len(reason) > 2000:
        raise ValidationFailed.for_field("reason", _("The note is too long: at most 2000 characters."))
    listing = _locked(listing_id)
    if listing.status != S.SUBMITTED:
        raise InvalidTransition(_("Only listings awaiting review can be sent back."))
    listing.review_note = reason
    return _transition(listing, S.DRAFT, actor=operator, note=reason)


@transaction.atomic
def listing_withdraw(*, listing_id: int, actor: User, reason: str = "") -> Listing:
    """The seller (or an operator) takes a listing off the market."""
    listing = _locked(listing_id)
    if not actor.is_operator:
        access_organisation(actor, listing.organisation_id)
    if listing.status == S.SUBMITTED:
        # Recalling a listing from review puts it back to draft.
        return _transition(listing, S.DRAFT, actor=actor, note=reason.strip()[:2000])
    return _transition(listing, S.WITHDRAWN, actor=actor, note=reason.strip()[:2000])


@transaction.atomic
def listing_reopen(*, listing_id: int, actor: User) -> Listing:
    """A withdrawn or expired listing goes back to draft, to be edited and submitted again."""
    listing = _locked_for_member(actor, listing_id)
    return _transition(listing, S.DRAFT, actor=actor)


@transaction.atomic
def listing_delete(*, listing_id: int, actor: User) -> None:
    listing = _locked_for_member(actor, listing_id)
    if listing.status != S.DRAFT or listing.published_at is not None:
        raise Conflict(_("Only drafts that were never published can be deleted; withdraw it instead."))
    listing.delete()


def listings_expire_due(*, today: date | None = None) -> int:
    """Expire published listings whose offer has ended; returns how many."""
    today = today or date.today()
    due = list(Listing.objects.filter(status=S.PUBLISHED, expires_on__lt=today)
               .order_by("pk").values_list("pk", flat=True))
    for listing_id in due:
        with transaction.atomic():
            listing = _locked(listing_id)
            if listing.status == S.PUBLISHED and listing.expires_on and listing.expires_on < today:
                _transition(listing, S.EXPIRED, actor=None, note=_("The offer period ended."))
    return len(due)


# --- Changes that deals bring (called by the deals app, never from a page directly) ---------

@transaction.atomic
def listing_reserve(*, listing_id: int, actor: User | None, note: str = "") -> Listing:
    """A concluded deal is under way: the listing stays visible but is no longer on offer."""
    listing = _locked(listing_id)
    if listing.status == S.RESERVED:
        return listing
    return _transition(listing, S.RESERVED, actor=actor, note=note)


@transaction.atomic
def listing_release_reservation(*, listing_id: int, actor: User | None, note: str = "") -> Listing:
    """The deal was cancelled: the listing is on offer again (or stays as it is if no longer reserved)."""
    listing = _locked(listing_id)
    if listing.status != S.RESERVED:
        return listing
    return _transition(listing, S.PUBLISHED, actor=actor, note=note)


@transaction.atomic
def listing_mark_sold(*, listing_id: int, actor: User | None, note: str = "") -> Listing:
    listing = _locked(listing_id)
    return _transition(listing, S.SOLD, actor=actor, note=note)
