"""Page forms for the ledger. They collect input; the services check it and move the money."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import DayField, ServiceForm
from ipx.core.money import Currency
from ipx.ledger.idempotency import FORM_FIELD, new_form_key


class MoneyForm(ServiceForm):
    id_prefix = "money"

    amount = forms.CharField(label=_("Amount"), max_length=30,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    # Made when the form is rendered; a second submission of the same form moves no money.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Both forms are on one page and post to their own addresses: same field names, other ids.
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[FORM_FIELD] = new_form_key()

    def renew_key(self) -> None:
        """A refused form comes back with a new key: the old one may already name a request."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[FORM_FIELD] = new_form_key()
        self.data = data


class DepositForm(MoneyForm):
    id_prefix = "deposit"


class PayoutForm(MoneyForm):
    id_prefix = "payout"
    bank_account = forms.CharField(label=_("Bank account"), max_length=64,
                                   help_text=_("Account number (8 to 30 digits) or IBAN."))


class StatementFilter(forms.Form):
    date_from = DayField(label=_("From"), required=False)
    date_to = DayField(label=_("To"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False,
                                 choices=[("", _("All currencies")), *Currency.choices])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
