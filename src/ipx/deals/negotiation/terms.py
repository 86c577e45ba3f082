"""Checking the terms of an offer: what is proposed, for how much, paid how, open until when.

``clean_offer_terms`` reports every bad field at once (a ValidationFailed with ``fields``)
and returns the values for an ``Offer`` plus its milestones. Money is in the listing's
currency, with no more decimals than that currency has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.errors import ValidationFailed
from ipx.core.money import check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.deals.models import Commitment, DealKind, MilestoneCondition, PaymentStructure
from ipx.listings.models import Exclusivity, Listing

MAX_EXPIRY_DAYS = 90
DEFAULT_EXPIRY_DAYS = 14
MAX_MILESTONES = 10
MAX_ROYALTY_PERCENT = Decimal("50")
MAX_TERM_MONTHS = 600
MAX_TRIAL_MONTHS = 36
MAX_NOTES = 5000


@dataclass(frozen=True, slots=True)
class MilestoneTerms:
    position: int
    title: str
    amount: Decimal
    condition: str


@dataclass(frozen=True, slots=True)
class OfferTerms:
    fields: dict[str, Any]  # Offer fields (kind, price_amount, ..., expires_at)
    milestones: list[MilestoneTerms]


def _months(value: object, *, field: str, errors: FieldErrors, high: int, label: str,
            required: bool) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(field, _("%(field)s is required.") % {"field": label})
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.add(field, _("%(field)s must be a whole number of months.") % {"field": label})
        return None
    if not 1 <= number <= high:
        errors.add(field, ngettext("%(field)s must be between 1 and %(high)d month.",
                                   "%(field)s must be between 1 and %(high)d months.", high)
                   % {"field": label, "high": high})
        return None
    return number


def _amount(value: object, currency: str, *, field: str, errors: FieldErrors, label: str) -> Decimal | None:
    if value is None or value == "":
        errors.add(field, _("%(field)s is required.") % {"field": label})
        return None
    try:
        return parse_amount(value, currency, field=field)
    except ValidationFailed as exc:
        errors.collect(exc)
        return None


def _royalty(value: object, *, errors: FieldErrors) -> Decimal | None:
    field = "royalty_percent"
    if value is None or value == "":
        errors.add(field, _("Give the running royalty in percent (above 0, at most 50)."))
        return None
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        rate = Decimal("NaN")
    if not rate.is_finite() or not Decimal("0") < rate <= MAX_ROYALTY_PERCENT:
        errors.add(field, _("The royalty is a percentage above 0 and at most 50."))
        return None
    if rate != rate.quantize(Decimal("0.01")):
        errors.add(field, _("The royalty has at most 2 decimal places."))
        return None
    return rate.quantize(Decimal("0.01"))


def _milestones(value: object, currency: str, price: Decimal | None, *, errors: FieldErrors) -> list[MilestoneTerms]:
    field = "milestones"
    if not isinstance(value, list | tuple) or not value:
        errors.add(field, ngettext("Give between 1 and %(n)d payment milestone.",
                                   "Give between 1 and %(n)d payment milestones.", MAX_MILESTONES)
                   % {"n": MAX_MILESTONES})
        return []
    if len(value) > MAX_MILESTONES:
        errors.add(field, ngettext("At most %(n)d payment milestone.", "At most %(n)d payment milestones.",
                                   MAX_MILESTONES) % {"n": MAX_MILESTONES})
        return []
    result: list[MilestoneTerms] = []
    for index, row in enumerate(value, start=1):
        prefix = f"milestones.{index}"
        row = row if isinstance(row, dict) else {}
        title = clean_text(row.get("title"), field=f"{prefix}.title", errors=errors, max_length=200,
                           label=_("Milestone %(n)d") % {"n": index})
        amount = _amount(row.get("amount"), currency, field=f"{prefix}.amount", errors=errors,
                         label=_("The amount of milestone %(n)d") % {"n": index})
        condition = clean_choice(row.get("condition"), MilestoneCondition, field=f"{prefix}.condition",
                                 errors=errors)
        if amount is not None and title and condition in MilestoneCondition.values:
            result.append(MilestoneTerms(position=index, title=title, amount=amount, condition=condition))
    if price is not None and len(result) == len(value):
        total = sum((m.amount for m in result), Decimal("0"))
        if total != price:
            errors.add(field, _("The milestones add up to %(total)s %(currency)s; they must add up to the price, "
                                "%(price)s %(currency)s.") % {"total": f"{total:,}", "price": f"{price:,}",
                                                               "currency": currency})
    return result


def clean_expiry(value: object, *, now: datetime | None = None, errors: FieldErrors) -> datetime | None:
    """Until when the offer is open: after now, at most 90 days ahead. A date means the end
    of that day in the exchange's time zone; empty means DEFAULT_EXPIRY_DAYS from now."""
    field = "expires_at"
    now = now or timezone.now()
    if value is None or value == "":
        return now + timedelta(days=DEFAULT_EXPIRY_DAYS)
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59))
    else:
        text = str(value).strip()
        try:
            # A bare date first: parse_datetime would read it as that day's midnight.
            day = parse_date(text)
            moment = datetime.combine(day, time(23, 59, 59)) if day else parse_datetime(text)
        except ValueError:
            moment = None
    if moment is None:
        errors.add(field, _("“%(value)s” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
                   % {"value": value})
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= now:
        errors.add(field, _("The offer must stay open until a moment in the future."))
        return None
    if moment > now + timedelta(days=MAX_EXPIRY_DAYS):
        errors.add(field, ngettext("An offer can stay open for at most %(n)d day.",
                                   "An offer can stay open for at most %(n)d days.", MAX_EXPIRY_DAYS)
                   % {"n": MAX_EXPIRY_DAYS})
        return None
    return moment


def clean_offer_terms(data: dict[str, Any], listing: Listing) -> OfferTerms:
    """Every term of an offer on ``listing``; raises one ValidationFailed naming each bad field."""
    errors = FieldErrors()
    fields: dict[str, Any] = {}
    kind = clean_choice(data.get("kind"), DealKind, field="kind", errors=errors)
    fields["kind"] = kind
    fields["commitment"] = clean_choice(data.get("commitment") or Commitment.CONCLUDED, Commitment,
                                        field="commitment", errors=errors)

    currency = listing.currency
    given = data.get("currency")
    if given not in (None, ""):
        try:
            code = check_currency(given)
        except ValidationFailed as exc:
            errors.collect(exc)
        else:
            if code != listing.currency:
                errors.add("currency", _("Offers on this listing are in %(currency)s, the listing's currency; "
                                         "%(given)s is not accepted.") % {"currency": listing.currency,
                                                                         "given": code})
    fields["currency"] = currency
    price = _amount(data.get("price_amount"), currency, field="price_amount", errors=errors, label=_("The price"))
    fields["price_amount"] = price

    # Licence and trial terms belong to their kind only; other kinds drop them.
    fields.update(licence_exclusivity="", licence_territory="", licence_field="", licence_term_months=None,
                  trial_months=None)
    if kind == DealKind.LICENCE:
        fields["licence_exclusivity"] = clean_choice(data.get("licence_exclusivity"), Exclusivity,
                                                     field="licence_exclusivity", errors=errors)
        fields["licence_territory"] = clean_text(data.get("licence_territory"), field="licence_territory",
                                                 errors=errors, required=False, max_length=200)
        fields["licence_field"] = clean_text(data.get("licence_field"), field="licence_field", errors=errors,
                                             required=False, max_length=200)
        fields["licence_term_months"] = _months(data.get("licence_term_months"), field="licence_term_months",
                                                errors=errors, high=MAX_TERM_MONTHS, label=_("The licence term"),
                                                required=True)
    elif kind == DealKind.USE_FIRST:
        fields["trial_months"] = _months(data.get("trial_months"), field="trial_months", errors=errors,
                                         high=MAX_TRIAL_MONTHS, label=_("The free trial"), required=True)

    structure = clean_choice(data.get("payment_structure") or PaymentStructure.LUMP_SUM, PaymentStructure,
                             field="payment_structure", errors=errors)
    fields["payment_structure"] = structure
    fields["royalty_percent"] = None
    milestones: list[MilestoneTerms] = []
    if structure == PaymentStructure.ROYALTY:
        fields["royalty_percent"] = _royalty(data.get("royalty_percent"), errors=errors)
    elif structure == PaymentStructure.MILESTONES:
        milestones = _milestones(data.get("milestones"), currency, price, errors=errors)

    fields["notes"] = clean_text(data.get("notes"), field="notes", errors=errors, required=False,
                                 max_length=MAX_NOTES)
    fields["expires_at"] = clean_expiry(data.get("expires_at"), errors=errors)
    errors.raise_if_any()
    return OfferTerms(fields=fields, milestones=milestones)
