"""What a seller may write into a listing: its terms, its price, its offer period and the
assets it offers, cleaned into the values a listing stores (or one error naming every bad
field, so a form shows all of them at once)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ipx.core.errors import ValidationFailed
from ipx.core.money import check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.listings.models import Exclusivity, OfferKind, PriceType

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


def clean_asset_ids(value: object) -> list[int]:
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
