"""The terms of an offer, typed and checked once before a service stores them: what is
proposed, for how much, paid how, open until when.

``OfferTerms.parse`` is the one place that turns what the API's schema or the page's typed
form received into an offer's terms; it reports every bad field at once (one
``ValidationFailed`` with ``fields``). What offers share with listings (the way of offering,
the licence, the free trial, a royalty, money in a currency) is read by
``ipx.listings.terms`` with the same limits and words; what only offers have (lump sum,
royalty or milestones, commitment, expiry) is read here. Money is in the listing's currency,
with no more decimals than that currency has.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.errors import ValidationFailed
from ipx.core.inputs import is_blank
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.deals.models import Commitment, DealKind, MilestoneCondition, PaymentStructure
from ipx.listings.models import OfferKind
from ipx.listings.terms import (
    NO_LICENCE,
    LicenceTerms,
    parse_currency,
    parse_licence,
    parse_money,
    parse_offer_kind,
    parse_royalty_percent,
    parse_trial_months,
)

MAX_EXPIRY_DAYS = 90
DEFAULT_EXPIRY_DAYS = 14
MAX_MILESTONES = 10
MAX_NOTES = 5000


@dataclass(frozen=True, slots=True)
class MilestoneTerms:
    position: int
    title: str
    amount: Decimal
    condition: str


def _currency_refused(currency: str, given: str) -> str:
    return _("Offers on this listing are in %(currency)s, the listing's currency; %(given)s is not accepted.") % {
        "currency": currency, "given": given}


def _milestones(value: object, currency: str, price: Decimal | None, *,
                errors: FieldErrors) -> tuple[MilestoneTerms, ...]:
    field = "milestones"
    if not isinstance(value, list | tuple) or not value:
        errors.add(field, ngettext("Give between 1 and %(n)d payment milestone.",
                                   "Give between 1 and %(n)d payment milestones.", MAX_MILESTONES)
                   % {"n": MAX_MILESTONES})
        return ()
    if len(value) > MAX_MILESTONES:
        errors.add(field, ngettext("At most %(n)d payment milestone.", "At most %(n)d payment milestones.",
                                   MAX_MILESTONES) % {"n": MAX_MILESTONES})
        return ()
    result: list[MilestoneTerms] = []
    for index, row in enumerate(value, start=1):
        prefix = f"milestones.{index}"
        row = row if isinstance(row, Mapping) else {}
        title = clean_text(row.get("title"), field=f"{prefix}.title", errors=errors, max_length=200,
                           label=_("Milestone %(n)d") % {"n": index})
        amount = parse_money(row.get("amount"), currency, field=f"{prefix}.amount", errors=errors,
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
    return tuple(result)


def read_moment(value: object) -> date | datetime | None:
    """A day or a moment from text (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][±HH:MM]) or as given;
    None when it is neither. A bare day is kept a day: it means the end of that day."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        # A bare date first: parse_datetime would read it as that day's midnight.
        return parse_date(text) or parse_datetime(text)
    except ValueError:
        return None


def not_a_moment(value: object) -> str:
    return _("“%(value)s” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM.") % {"value": value}


def clean_expiry(value: object, *, now: datetime | None = None, errors: FieldErrors) -> datetime | None:
    """Until when the offer is open: after now, at most 90 days ahead. A date means the end
    of that day in the exchange's time zone; empty means DEFAULT_EXPIRY_DAYS from now."""
    field = "expires_at"
    now = now or timezone.now()
    if is_blank(value):
        return now + timedelta(days=DEFAULT_EXPIRY_DAYS)
    moment = read_moment(value)
    if moment is None:
        errors.add(field, not_a_moment(value))
        return None
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(23, 59, 59))
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


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferTerms:
    """Every term of one offer, checked. Licence terms only for a licence, the free trial
    only for “use first, pay later”, the royalty only when paid as one, milestones only when
    paid in milestones; other kinds and structures have none. Made by ``parse``."""

    kind: str
    commitment: str
    currency: str  # the listing's, at the time the terms were read
    price_amount: Decimal
    payment_structure: str
    licence: LicenceTerms | None = None
    trial_months: int | None = None
    royalty_percent: Decimal | None = None
    milestones: tuple[MilestoneTerms, ...] = ()
    notes: str = ""
    expires_at: datetime

    @classmethod
    def parse(cls, values: Mapping[str, object], *, listing_currency: str,
              now: datetime | None = None) -> OfferTerms:
        """The terms in ``values`` (raw or typed, by the offer's column names, plus
        ``milestones``: rows of title, amount and condition) for an offer on a listing in
        ``listing_currency``; raises one ValidationFailed naming each bad field."""
        errors = FieldErrors()
        kind = parse_offer_kind(values.get("kind"), allowed=DealKind.values, errors=errors)
        commitment = clean_choice(values.get("commitment") or Commitment.CONCLUDED, Commitment,
                                  field="commitment", errors=errors)
        # Offers are in the listing's currency; naming another is refused.
        given = parse_currency(values.get("currency"), default=listing_currency, errors=errors)
        if given != listing_currency:
            errors.add("currency", _currency_refused(listing_currency, given))
        price = parse_money(values.get("price_amount"), listing_currency, field="price_amount", errors=errors,
                            label=_("The price"))
        # Licence and trial terms belong to their kind only; other kinds drop them.
        # An offer becomes a contract: a licence names its term.
        licence = parse_licence(values, errors=errors, term_required=True) if kind == DealKind.LICENCE else None
        trial = parse_trial_months(values.get("trial_months"), errors=errors) if kind == DealKind.USE_FIRST else None
        structure = clean_choice(values.get("payment_structure") or PaymentStructure.LUMP_SUM, PaymentStructure,
                                 field="payment_structure", errors=errors)
        royalty = (parse_royalty_percent(values.get("royalty_percent"), field="royalty_percent", errors=errors,
                                         required=True) if structure == PaymentStructure.ROYALTY else None)
        milestones = (_milestones(values.get("milestones"), listing_currency, price, errors=errors)
                      if structure == PaymentStructure.MILESTONES else ())
        notes = clean_text(values.get("notes"), field="notes", errors=errors, required=False, max_length=MAX_NOTES)
        expires_at = clean_expiry(values.get("expires_at"), now=now, errors=errors)
        errors.raise_if_any()
        assert price is not None and expires_at is not None  # else errors were raised above
        return cls(kind=kind, commitment=commitment, currency=listing_currency, price_amount=price,
                   payment_structure=structure, licence=licence, trial_months=trial, royalty_percent=royalty,
                   milestones=milestones, notes=notes, expires_at=expires_at)

    def check_currency(self, listing_currency: str) -> None:
        """Refuse terms read for a listing in another currency (its currency changed since)."""
        if self.currency != listing_currency:
            raise ValidationFailed.for_field("currency", _currency_refused(listing_currency, self.currency))

    def check_kind(self, listing_kinds: Collection[str]) -> None:
        """Refuse a way of dealing the listing does not offer (a licence-only listing is not
        sold outright through an offer)."""
        if self.kind not in listing_kinds:
            offered = ", ".join(str(OfferKind(kind).label) for kind in listing_kinds if kind in OfferKind.values)
            raise ValidationFailed.for_field("kind", _(
                "This listing is offered as: %(offered)s. An offer of another kind (%(kind)s) is not accepted; "
                "ask the seller to change the listing first.") % {"offered": offered,
                                                                   "kind": DealKind(self.kind).label})

    def columns(self) -> dict[str, object]:
        """The values of the offer's columns (its milestones are rows of their own)."""
        return {
            "kind": self.kind, "commitment": self.commitment, "currency": self.currency,
            "price_amount": self.price_amount, "payment_structure": self.payment_structure,
            **(self.licence.columns() if self.licence else NO_LICENCE),
            "trial_months": self.trial_months, "royalty_percent": self.royalty_percent,
            "notes": self.notes, "expires_at": self.expires_at,
        }

