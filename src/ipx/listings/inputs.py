"""What a seller writes into a listing, typed and checked once before a service stores it.

``ListingInput.parse`` is the one place that turns what a page form or the API received into
a new listing's terms and assets; ``ListingChanges.parse`` reads an edit's fields into their
types, and ``ListingChanges.applied_to`` checks the listing as it would be after the edit
with the same rules. Both raise one ``ValidationFailed`` naming every bad field, so a form
shows all of them at once. The terms listings share with offers are read by
``ipx.listings.terms``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.core.inputs import UNSET, Unset, as_text, given_fields, is_blank
from ipx.core.money import read_amount
from ipx.core.validation import FieldErrors, clean_date, clean_text
from ipx.listings.models import Listing, OfferKind
from ipx.listings.terms import (
    NO_LICENCE,
    NO_USE_FIRST,
    LicenceTerms,
    Price,
    UseFirstTerms,
    parse_currency,
    parse_licence,
    parse_offer_kinds,
    parse_price,
    parse_use_first,
    to_months,
    to_percent,
)

MAX_ASSETS = 50
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 20_000
MAX_NDA_LENGTH = 20_000
MAX_OFFER_DAYS = 5 * 365

# The listing's columns a seller writes, in the order an edit names them in its history.
FIELDS = (
    "title", "description", "offer_kinds", "licence_exclusivity", "licence_territory", "licence_field",
    "licence_term_months", "trial_months", "after_trial_fee_amount", "after_trial_royalty_percent",
    "price_type", "price_amount", "price_max_amount", "currency", "expires_on", "requires_nda", "nda_text",
)
_TRUE = (True, "true", "True", "on", "1", 1)


def _offer_end(value: object, *, errors: FieldErrors) -> date | None:
    ends = clean_date(value, field="expires_on", errors=errors, not_future=False)
    if ends is not None and ends <= timezone.localdate():
        errors.add("expires_on", _("The offer must end after today."))
    if ends is not None and ends > timezone.localdate() + timedelta(days=MAX_OFFER_DAYS):
        errors.add("expires_on", _("An offer can run for at most five years."))
    return ends


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingTerms:
    """Everything a listing says besides its assets. Licence terms only for a licence,
    trial terms only for “use first, pay later”; other ways of offering have none."""

    title: str
    description: str = ""
    offer_kinds: tuple[str, ...]
    licence: LicenceTerms | None = None
    use_first: UseFirstTerms | None = None
    price: Price
    expires_on: date | None = None
    requires_nda: bool = False
    nda_text: str = ""

    @classmethod
    def read(cls, values: Mapping[str, object], *, errors: FieldErrors) -> ListingTerms:
        """The terms in ``values`` (raw or typed, by column name); each problem goes to ``errors``."""
        kinds = parse_offer_kinds(values.get("offer_kinds"), errors=errors)
        currency = parse_currency(values.get("currency"), errors=errors)
        requires_nda = values.get("requires_nda") in _TRUE
        nda_text = clean_text(values.get("nda_text"), field="nda_text", errors=errors, required=False,
                              max_length=MAX_NDA_LENGTH, label=_("Non-disclosure terms"))
        if requires_nda and not nda_text:
            errors.add("nda_text", _("Write the non-disclosure terms that members accept before they see the "
                                     "documents."))
        return cls(
            title=clean_text(values.get("title"), field="title", errors=errors, max_length=MAX_TITLE_LENGTH,
                             label=_("Title")),
            description=clean_text(values.get("description"), field="description", errors=errors, required=False,
                                   max_length=MAX_DESCRIPTION_LENGTH),
            offer_kinds=kinds,
            # A listing may leave the licence term open to negotiation.
            licence=parse_licence(values, errors=errors, term_required=False) if OfferKind.LICENCE in kinds else None,
            use_first=(parse_use_first(values, currency=currency, errors=errors)
                       if OfferKind.USE_FIRST in kinds else None),
            price=parse_price(values, currency=currency, errors=errors),
            expires_on=_offer_end(values.get("expires_on"), errors=errors),
            requires_nda=requires_nda,
            nda_text=nda_text,
        )

    @classmethod
    def parse(cls, values: Mapping[str, object]) -> ListingTerms:
        errors = FieldErrors()
        terms = cls.read(values, errors=errors)
        errors.raise_if_any()
        return terms

    def columns(self) -> dict[str, object]:
        """The listing's column values, in the order of ``FIELDS``."""
        values: dict[str, object] = {
            "title": self.title, "description": self.description, "offer_kinds": list(self.offer_kinds),
            **(self.licence.columns() if self.licence else NO_LICENCE),
            **(self.use_first.columns() if self.use_first else NO_USE_FIRST),
            **self.price.columns(),
            "expires_on": self.expires_on, "requires_nda": self.requires_nda, "nda_text": self.nda_text,
        }
        return {name: values[name] for name in FIELDS}


def parse_asset_ids(value: object, *, errors: FieldErrors) -> tuple[int, ...]:
    """One to 50 asset ids, each once (a list, or text separated by commas)."""
    field = "asset_ids"
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not value:
        errors.add(field, _("Choose at least one asset to offer."))
        return ()
    try:
        if any(isinstance(item, bool) for item in value):
            raise ValueError
        ids = tuple(int(str(item).strip()) for item in value)
    except ValueError:
        errors.add(field, _("Asset ids are whole numbers."))
        return ()
    if len(set(ids)) != len(ids):
        errors.add(field, _("An asset is named twice."))
    elif len(ids) > MAX_ASSETS:
        errors.add(field, _("A package has at most %(n)d assets.") % {"n": MAX_ASSETS})
    return ids


@dataclass(frozen=True, slots=True)
class ListingInput:
    """A new listing: its terms and the seller's assets it offers, in order."""

    terms: ListingTerms
    asset_ids: tuple[int, ...]

    @classmethod
    def parse(cls, values: Mapping[str, object]) -> ListingInput:
        """From a form's cleaned data or an API body (by column name, plus ``asset_ids``)."""
        errors = FieldErrors()
        terms = ListingTerms.read(values, errors=errors)
        asset_ids = parse_asset_ids(values.get("asset_ids"), errors=errors)
        errors.raise_if_any()
        return cls(terms=terms, asset_ids=asset_ids)


T = TypeVar("T")


def _text(value: object, field: str, errors: FieldErrors) -> str:
    return as_text(value)


def _kinds(value: object, field: str, errors: FieldErrors) -> tuple[str, ...]:
    if is_blank(value):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
    return tuple(str(item) for item in value) if isinstance(value, list | tuple | set | frozenset) else (str(value),)


def _licence_term(value: object, field: str, errors: FieldErrors) -> int | None:
    return to_months(value, field=field, errors=errors, label=_("The licence term"))


def _trial(value: object, field: str, errors: FieldErrors) -> int | None:
    return to_months(value, field=field, errors=errors, label=_("The free trial"))


def _amount(value: object, field: str, errors: FieldErrors) -> Decimal | None:
    return read_amount(value, field=field, errors=errors)


def _percent(value: object, field: str, errors: FieldErrors) -> Decimal | None:
    return to_percent(value, field=field, errors=errors)


def _date(value: object, field: str, errors: FieldErrors) -> date | None:
    return clean_date(value, field=field, errors=errors, not_future=False)


def _flag(value: object, field: str, errors: FieldErrors) -> bool:
    return value in _TRUE


def _assets(value: object, field: str, errors: FieldErrors) -> tuple[int, ...]:
    return parse_asset_ids(value, errors=errors)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingChanges:
    """An edit: the fields it sets, in their types; every field left UNSET keeps its value."""

    title: str | Unset = UNSET
    description: str | Unset = UNSET
    offer_kinds: tuple[str, ...] | Unset = UNSET
    licence_exclusivity: str | Unset = UNSET
    licence_territory: str | Unset = UNSET
    licence_field: str | Unset = UNSET
    licence_term_months: int | None | Unset = UNSET
    trial_months: int | None | Unset = UNSET
    after_trial_fee_amount: Decimal | None | Unset = UNSET
    after_trial_royalty_percent: Decimal | None | Unset = UNSET
    price_type: str | Unset = UNSET
    price_amount: Decimal | None | Unset = UNSET
    price_max_amount: Decimal | None | Unset = UNSET
    currency: str | Unset = UNSET
    expires_on: date | None | Unset = UNSET
    requires_nda: bool | Unset = UNSET
    nda_text: str | Unset = UNSET
    asset_ids: tuple[int, ...] | Unset = UNSET

    @classmethod
    def parse(cls, values: Mapping[str, object]) -> ListingChanges:
        """The fields present in ``values`` (a PATCH body, a form's cleaned data), each read
        into its type; the listing's rules are checked by ``applied_to``. Other names are ignored."""
        errors = FieldErrors()

        def given(name: str, read: Callable[[object, str, FieldErrors], T]) -> T | Unset:
            return read(values[name], name, errors) if name in values else UNSET

        changes = cls(
            title=given("title", _text), description=given("description", _text),
            offer_kinds=given("offer_kinds", _kinds), licence_exclusivity=given("licence_exclusivity", _text),
            licence_territory=given("licence_territory", _text), licence_field=given("licence_field", _text),
            licence_term_months=given("licence_term_months", _licence_term),
            trial_months=given("trial_months", _trial),
            after_trial_fee_amount=given("after_trial_fee_amount", _amount),
            after_trial_royalty_percent=given("after_trial_royalty_percent", _percent),
            price_type=given("price_type", _text), price_amount=given("price_amount", _amount),
            price_max_amount=given("price_max_amount", _amount), currency=given("currency", _text),
            expires_on=given("expires_on", _date), requires_nda=given("requires_nda", _flag),
            nda_text=given("nda_text", _text), asset_ids=given("asset_ids", _assets),
        )
        errors.raise_if_any()
        return changes

    def terms_given(self) -> dict[str, object]:
        """The listing columns this edit sets."""
        return {name: value for name, value in given_fields(self).items() if name != "asset_ids"}

    def applied_to(self, listing: Listing) -> ListingTerms:
        """The terms ``listing`` would have after this edit, checked by the rules of a new
        listing. An end of the offer the edit leaves alone is kept as it is: only a date being
        set must lie ahead (a published listing may end today)."""
        given = self.terms_given()
        current = {name: getattr(listing, name) for name in FIELDS}
        keep_end = "expires_on" not in given
        terms = ListingTerms.parse(current | given | ({"expires_on": None} if keep_end else {}))
        return replace(terms, expires_on=listing.expires_on) if keep_end else terms
