"""The auction pages' forms: fields only; the services judge the values."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipx.auctions.models import Lot
from ipx.core.forms import AmountField, ServiceForm
from ipx.core.money import Currency

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BidForm(ServiceForm):
    amount = AmountField(label=_("Your bid"))
    maximum = AmountField(label=_("Your maximum (optional)"), required=False,
                          help_text=_("Bid automatically for you, one step at a time, up to this amount; no one "
                                      "else ever sees it."))
    # A new key with each form shown: sending the form twice (a double click, a retry after a
    # lost answer) bids once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["key"] = secrets.token_urlsafe(16)


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(ReasonForm):
    """A registration's refusal, in its row of the registrations' table: one line, as narrow as
    a phone's cell."""

    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ExtendForm(ReasonForm):
    closes_at = forms.DateTimeField(label=_("New close"), widget=MOMENT)


class RegisterForm(ServiceForm):
    organisation = forms.TypedChoiceField(label=_("Bid for"), coerce=int)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("organisation", organisations)


class SessionForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=MOMENT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class LotForm(ServiceForm):
    listing_id = forms.IntegerField(label=_("Listing number"), min_value=1)
    offer_kind = forms.ChoiceField(label=_("Offered as"), choices=Lot.OfferKind.choices)
    starting_price = AmountField(label=_("Starting price"))
    reserve_price = AmountField(label=_("Reserve price (optional, never shown)"), required=False)
    deposit = AmountField(label=pgettext_lazy("auction deposit", "Deposit"))  # not the ledger's paying in
    opens_at = forms.DateTimeField(label=_("Opens"), widget=MOMENT)
    closes_at = forms.DateTimeField(label=_("Closes"), widget=MOMENT)
    hard_end = forms.DateTimeField(label=_("Closes at the latest"), widget=MOMENT)
    soft_close_minutes = forms.IntegerField(label=_("Soft-close window (minutes)"), min_value=0, max_value=60,
                                            initial=5)
    buyer_premium_percent = forms.DecimalField(label=_("Buyer's premium (%)"), min_value=0, max_value=50,
                                               decimal_places=2, initial=0)
    seller_commission_percent = forms.DecimalField(label=_("Seller's commission (%)"), min_value=0, max_value=50,
                                                   decimal_places=2, initial=0)
