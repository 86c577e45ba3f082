"""The terms listings and offers share, read in one place with one set of limits and messages.

A listing says how its IP may be had (several ways at once, the price perhaps left open); an
offer on it proposes one deal. Both speak of the same things, and this module reads them:
the way of offering, the licence (exclusivity, territory, field of use, term), the free
trial of “use first, pay later” and what is paid after it, a royalty, and a price in a
currency with no more decimals than that currency has.

Each ``parse_*`` function reads what was sent — text from a form or JSON, or a value a form
field or an API schema already typed; both read alike — adds one message per bad field to
the caller's ``FieldErrors`` (so a form shows every problem at once) and returns the value,
or None when the field is empty or was refused (the caller raises ``errors`` before using
it). Field names are the column names listings and offers share (``licence_term_months``,
``price_amount`` ...). Offers keep what only they have (lump sum, royalty or milestones,
commitment, expiry) in ``ipx.deals.negotiation.terms`` and call these for the rest.

What differed between the listing parser and the offer parser, and what was kept:
- Months (licence term 1–600, trial 1–36): same limits; the offer's wording, which names
  the unit and is plural-aware (“The licence term must be between 1 and 600 months.”),
  replaces the listing's “Licence term must be between 1 and 600.”.
- A missing trial: “The free trial is required.” (the offer's, as for every required term)
  replaces the listing's “Give the free trial in months (1 to 36).”.
- Licence term: a listing may leave it open to negotiation; an offer, which becomes a
  contract, must name it. One parser; ``term_required`` says which.
- Royalty: above 0 and at most 50 percent with at most 2 decimals, as both had; the offer's
  three messages (missing, out of range, too many decimals) replace the listing's one
  message for all; “3.5 %” reads like “3.5%”; the rate is kept to 2 places.
- Way of offering: one message for a value the side does not allow, keeping both the
  listing's “is not a way to offer IP” and the offer's “not one of the allowed values”; each
  side passes what it allows (a listing every ``OfferKind``, an offer a ``DealKind``).
- Price: both already used ``core.money.parse_amount`` (above 0, at most 10^12, the
  currency's decimals). Missing: “Give the price, or choose “negotiable”.” where the price
  may stay open (a listing), “The price is required.” where it may not (an offer).
- Currency: one reader with a default (CNY for a listing, the listing's for an offer); that
  an offer must be in its listing's currency stays with offers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.errors import ValidationFailed
from ipx.core.inputs import is_blank
from ipx.core.money import CENT, Currency, check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.listings.models import Exclusivity, OfferKind, PriceType

MAX_TERM_MONTHS = 600
MAX_TRIAL_MONTHS = 36
MAX_ROYALTY_PERCENT = Decimal("50")
MAX_LICENCE_TEXT = 200
DEFAULT_CURRENCY: str = Currency.CNY.value


# --- Values read into their type (the rules follow in the parse functions) ---------------------

def to_months(value: object, *, field: str, errors: FieldErrors, label: str | Promise) -> int | None:
    if is_blank(value):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except ValueError:
        errors.add(field, _("%(field)s must be a whole number of months.") % {"field": label})
        return None


def to_percent(value: object, *, field: str, errors: FieldErrors) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        rate = Decimal("NaN")
    if not rate.is_finite():
        errors.add(field, _("The royalty is a percentage above 0 and at most 50."))
        return None
    return rate


# --- Shared atoms --------------------------------------------------------------------------------

def parse_months(value: object, *, field: str, errors: FieldErrors, label: str | Promise, high: int,
                 required: bool) -> int | None:
    """A whole number of months from 1 to ``high``."""
    number = to_months(value, field=field, errors=errors, label=label)
    if number is None:
        if required and is_blank(value):
            errors.add(field, _("%(field)s is required.") % {"field": label})
        return None
    if not 1 <= number <= high:
        errors.add(field, ngettext("%(field)s must be between 1 and %(high)d month.",
                                   "%(field)s must be between 1 and %(high)d months.", high)
                   % {"field": label, "high": high})
        return None
    return number


def parse_trial_months(value: object, *, errors: FieldErrors, field: str = "trial_months") -> int | None:
    """The free trial of “use first, pay later”: required, 1 to 36 months."""
    return parse_months(value, field=field, errors=errors, label=_("The free trial"), high=MAX_TRIAL_MONTHS,
                        required=True)


def parse_royalty_percent(value: object, *, field: str, errors: FieldErrors, required: bool) -> Decimal | None:
    """A running royalty in percent: above 0, at most 50, at most 2 decimals."""
    if is_blank(value):
        if required:
            errors.add(field, _("Give the running royalty in percent (above 0, at most 50)."))
        return None
    rate = to_percent(value, field=field, errors=errors)
    if rate is None:
        return None
    if not Decimal("0") < rate <= MAX_ROYALTY_PERCENT:
        errors.add(field, _("The royalty is a percentage above 0 and at most 50."))
        return None
    if rate != rate.quantize(CENT):
        errors.add(field, _("The royalty has at most 2 decimal places."))
        return None
    return rate.quantize(CENT)


def parse_currency(value: object, *, errors: FieldErrors, default: str = DEFAULT_CURRENCY,
                   field: str = "currency") -> str:
    """A currency code (any case); ``default`` when none is given or it is unknown (then with
    an error), so amounts can still be checked against a currency."""
    if is_blank(value):
        return default
    try:
        return check_currency(value, field=field)
    except ValidationFailed as exc:
        errors.collect(exc)
        return default


def parse_money(value: object, currency: str, *, field: str, errors: FieldErrors,
                label: str | Promise | None = None) -> Decimal | None:
    """An amount in ``currency``: above 0, at most 10^12, no more decimals than the currency
    has. Empty is None, or “<label> is required.” when a ``label`` is given."""
    if is_blank(value):
        if label is not None:
            errors.add(field, _("%(field)s is required.") % {"field": label})
        return None
    try:
        return parse_amount(value, currency, field=field)
    except ValidationFailed as exc:
        errors.collect(exc)
        return None


# --- Ways of offering ---------------------------------------------------------------------------

def _kind_refused(value: str, allowed: Collection[str]) -> str:
    return _("“%(value)s” is not a way to offer IP here; it is not one of the allowed values: %(allowed)s.") % {
        "value": value, "allowed": ", ".join(allowed)}


def parse_offer_kind(value: object, *, allowed: Collection[str], errors: FieldErrors, field: str = "kind") -> str:
    """One way of offering, among those this side allows (an offer: a ``DealKind``)."""
    kind = "" if value is None else str(value).strip()
    if kind not in allowed:
        errors.add(field, _kind_refused(kind, allowed))
    return kind


def parse_offer_kinds(value: object, *, errors: FieldErrors, allowed: Collection[str] = tuple(OfferKind.values),
                      field: str = "offer_kinds") -> tuple[str, ...]:
    """One or more ways of offering (a list, or text separated by commas), in the order of
    ``allowed``; repeats count once."""
    if is_blank(value):
        raw: Collection[object] = ()
    elif isinstance(value, str):
        raw = [part for part in value.replace(";", ",").split(",") if part.strip()]
    elif isinstance(value, list | tuple | set | frozenset):
        raw = value
    else:
        raw = [value]
    kinds = {parse_offer_kind(item, allowed=allowed, errors=errors, field=field) for item in raw}
    if not raw:
        errors.add(field, _("Choose at least one way to offer: transfer, licence, use first pay later, "
                            "pledge or auction."))
    return tuple(kind for kind in allowed if kind in kinds)


# --- A licence ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LicenceTerms:
    exclusivity: str
    territory: str = ""
    field_of_use: str = ""
    term_months: int | None = None  # None: left open (a listing only)

    def columns(self) -> dict[str, object]:
        """The values of the ``licence_*`` columns listings and offers share."""
        return {"licence_exclusivity": self.exclusivity, "licence_territory": self.territory,
                "licence_field": self.field_of_use, "licence_term_months": self.term_months}


# The licence columns of anything that is not a licence.
NO_LICENCE: dict[str, object] = {"licence_exclusivity": "", "licence_territory": "", "licence_field": "",
                                 "licence_term_months": None}


def parse_licence(values: Mapping[str, object], *, errors: FieldErrors, term_required: bool) -> LicenceTerms:
    """``licence_exclusivity`` (required), ``licence_territory``, ``licence_field`` and
    ``licence_term_months`` (1 to 600; required when ``term_required``)."""
    return LicenceTerms(
        exclusivity=clean_choice(values.get("licence_exclusivity"), Exclusivity, field="licence_exclusivity",
                                 errors=errors),
        territory=clean_text(values.get("licence_territory"), field="licence_territory", errors=errors,
                             required=False, max_length=MAX_LICENCE_TEXT),
        field_of_use=clean_text(values.get("licence_field"), field="licence_field", errors=errors, required=False,
                                max_length=MAX_LICENCE_TEXT),
        term_months=parse_months(values.get("licence_term_months"), field="licence_term_months", errors=errors,
                                 label=_("The licence term"), high=MAX_TERM_MONTHS, required=term_required),
    )


# --- Use first, pay later -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class UseFirstTerms:
    """A free trial, then a fee, a royalty or both."""

    trial_months: int
    fee_amount: Decimal | None = None
    royalty_percent: Decimal | None = None

    def columns(self) -> dict[str, object]:
        return {"trial_months": self.trial_months, "after_trial_fee_amount": self.fee_amount,
                "after_trial_royalty_percent": self.royalty_percent}


NO_USE_FIRST: dict[str, object] = {"trial_months": None, "after_trial_fee_amount": None,
                                   "after_trial_royalty_percent": None}


def parse_use_first(values: Mapping[str, object], *, currency: str, errors: FieldErrors) -> UseFirstTerms | None:
    """``trial_months`` and what is paid after the trial: ``after_trial_fee_amount`` in
    ``currency``, ``after_trial_royalty_percent``, or both."""
    trial = parse_trial_months(values.get("trial_months"), errors=errors)
    fee_given, royalty_given = values.get("after_trial_fee_amount"), values.get("after_trial_royalty_percent")
    fee = parse_money(fee_given, currency, field="after_trial_fee_amount", errors=errors)
    royalty = parse_royalty_percent(royalty_given, field="after_trial_royalty_percent", errors=errors,
                                    required=False)
    if is_blank(fee_given) and is_blank(royalty_given):
        errors.add("after_trial_fee_amount", _("Say what is paid after the trial: a fee, a royalty, or both."))
    if trial is None or (fee is None and royalty is None):
        return None
    return UseFirstTerms(trial_months=trial, fee_amount=fee, royalty_percent=royalty)


# --- A price ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Price:
    """Fixed, a range (lowest and highest) or negotiable, in a currency."""

    type: str
    currency: str
    amount: Decimal | None = None  # the price, or the lowest of a range
    max_amount: Decimal | None = None

    def columns(self) -> dict[str, object]:
        return {"price_type": self.type, "price_amount": self.amount, "price_max_amount": self.max_amount,
                "currency": self.currency}


def parse_price(values: Mapping[str, object], *, currency: str, errors: FieldErrors) -> Price:
    """``price_type`` (negotiable when none is given), ``price_amount`` for a fixed price or
    the lowest of a range, ``price_max_amount`` for the highest; amounts in ``currency``."""
    price_type = clean_choice(values.get("price_type") or PriceType.NEGOTIABLE, PriceType, field="price_type",
                              errors=errors)
    low = high = None
    if price_type in (PriceType.FIXED, PriceType.RANGE):
        low = parse_money(values.get("price_amount"), currency, field="price_amount", errors=errors)
        if is_blank(values.get("price_amount")):
            errors.add("price_amount", _("Give the price, or choose “negotiable”."))
    if price_type == PriceType.RANGE:
        high = parse_money(values.get("price_max_amount"), currency, field="price_max_amount", errors=errors)
        if is_blank(values.get("price_max_amount")):
            errors.add("price_max_amount", _("Give the highest price of the range."))
        elif low is not None and high is not None and high <= low:
            errors.add("price_max_amount", _("The highest price must be above the lowest."))
    return Price(type=price_type, currency=currency, amount=low, max_amount=high)
