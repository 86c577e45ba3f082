"""The finance pages' forms: fields only, as text where the services read the value (amounts,
percentages, whole numbers), so a page and the API word the same mistake alike."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.core.errors import ApplicationError
from ipx.core.forms import ServiceForm, read_with
from ipx.core.money import Currency
from ipx.finance.inputs import adjustment
from ipx.finance.models import Loan
from ipx.ledger.idempotency import new_form_key

TEXT = forms.TextInput(attrs={"inputmode": "decimal"})


def number(label: Any, **options: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=30, widget=TEXT, **options)


class ValuationRequestForm(ServiceForm):
    requester_id = forms.TypedChoiceField(label=_("For"), coerce=int)
    appraiser_id = forms.TypedChoiceField(label=_("Appraiser"), coerce=int)
    asset_ids = forms.TypedMultipleChoiceField(label=_("IP rights to value"), coerce=int,
                                               widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)

    def __init__(self, *args: Any, requesters: list[tuple[int, str]], appraisers: list[tuple[int, str]],
                 assets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("requester_id", requesters)
        self.set_choices("appraiser_id", appraisers)
        self.set_choices("asset_ids", assets)


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IncomeForm(ServiceForm):
    revenues = forms.CharField(label=_("Revenue forecast, one amount a year"), max_length=1000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("From the valuation date, separated by spaces or new lines."))
    royalty_percent = number(_("Royalty rate (%)"))
    tax_percent = number(_("Tax rate (%)"))
    discount_percent = number(_("Discount rate (%)"))

    def values(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data["revenues"] = data["revenues"].replace(";", " ").split()
        return data


class CostForm(ServiceForm):
    reproduction_cost = number(_("Reproduction cost"))
    functional_percent = number(_("Functional obsolescence (%)"), initial="0")
    economic_percent = number(_("Economic obsolescence (%)"), initial="0")


class MarketForm(ServiceForm):
    """One adjustment box per comparable deal; a deal left blank is not used. Each box is read
    as the service reads it, so a wrong one is marked itself."""

    def __init__(self, *args: Any, deals: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for deal_id, label in deals:
            self.fields[f"deal_{deal_id}"] = number(label, required=False, validators=[_adjustment],
                                                    help_text=_("Adjustment in %; leave blank to leave it out."))

    def add_service_error(self, error: ApplicationError) -> None:
        # The service names all the adjustments at once ("adjustments"; the API's "comparables"):
        # its refusal is put on the boxes filled in (above the form when none was).
        filled = [name for name, value in self.cleaned_data.items() if name.startswith("deal_") and value]
        if "adjustments" in error.fields and filled:
            fields = {name: text for name, text in error.fields.items() if name != "adjustments"}
            fields.update(dict.fromkeys(filled, error.fields["adjustments"]))
            error = ApplicationError(error.message, code=error.code, fields=fields)
        super().add_service_error(error)

    def adjustments(self) -> dict[int, object]:
        return {int(name.removeprefix("deal_")): value for name, value in self.cleaned_data.items()
                if name.startswith("deal_") and value not in (None, "")}


def _adjustment(value: str) -> None:
    if value:
        read_with(adjustment, value)


class SignOffForm(ServiceForm):
    value = number(_("Concluding value"))
    low = number(_("Lowest value (optional)"), required=False)
    high = number(_("Highest value (optional)"), required=False)
    reasoning = forms.CharField(label=_("Reasoning"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class LoanApplyForm(ServiceForm):
    borrower_id = forms.TypedChoiceField(label=_("Borrower"), coerce=int)
    bank_id = forms.TypedChoiceField(label=_("Bank"), coerce=int)
    asset_ids = forms.TypedMultipleChoiceField(label=_("IP rights to pledge"), coerce=int,
                                               widget=forms.CheckboxSelectMultiple)
    valuation_id = forms.TypedChoiceField(label=_("Valuation"), coerce=int, required=False, empty_value=None)
    amount = number(_("Amount asked for"))
    months = number(_("Term (months)"))
    purpose = forms.CharField(label=_("Purpose"), max_length=300)

    def __init__(self, *args: Any, borrowers: list[tuple[int, str]], banks: list[tuple[int, str]],
                 assets: list[tuple[int, str]], valuations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("borrower_id", borrowers)
        self.set_choices("bank_id", banks)
        self.set_choices("asset_ids", assets)
        self.set_choices("valuation_id", [("", _("None yet")), *valuations])


class OfferForm(ServiceForm):
    amount = number(_("Amount"))
    annual_percent = number(_("Interest (% a year)"))
    months = number(_("Term (months)"))
    method = forms.ChoiceField(label=_("Repayment"), choices=Loan.Method.choices)
    ltv_percent = number(_("Loan-to-value (%)"))
    penalty_percent = number(_("Penalty interest (% a year)"), initial="0")
    default_after_days = number(_("Default after (days overdue)"), initial="90")


class PledgeForm(ServiceForm):
    pledge_number = forms.CharField(label=_("Pledge registration number"), max_length=40)


class NoteForm(ServiceForm):
    note = forms.CharField(label=_("Note to the borrower (when returning it)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(ServiceForm):
    # A new key with each form shown: sending it twice pays once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["key"] = secrets.token_urlsafe(16)


class PrepaymentForm(PayForm):
    amount = number(_("Principal to repay now"))


class EnrolForm(ServiceForm):
    pool_id = forms.TypedChoiceField(label=_("Pool"), coerce=int)

    def __init__(self, *args: Any, pools: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("pool_id", pools)


class ValuationChoiceForm(ServiceForm):
    valuation_id = forms.TypedChoiceField(label=_("Valuation"), coerce=int)

    def __init__(self, *args: Any, valuations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("valuation_id", valuations)


class RecoveryForm(ServiceForm):
    # A new key with each form shown: sending it twice records the recovery once
    # (``ledger.idempotency.idempotent_form``).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    amount = number(_("Amount recovered"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = new_form_key()


class PoolForm(ServiceForm):
    sponsor_id = forms.TypedChoiceField(label=_("Sponsor"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.CharField(label=_("Region"), max_length=100)
    fund_size = number(_("Fund size"))
    leverage = number(_("Leverage"))
    starts_on = forms.CharField(label=_("From"), max_length=30, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.CharField(label=_("Until"), max_length=30, widget=forms.DateInput(attrs={"type": "date"}))
    fund_percent = number(_("Fund's share (%)"))
    bank_percent = number(_("Bank's share (%)"))
    insurer_percent = number(_("Insurer's share (%)"), initial="0", required=False)
    appraiser_percent = number(_("Appraiser's share (%)"), initial="0", required=False)
    insurer_id = forms.CharField(label=_("Insurer (organisation number, optional)"), max_length=20, required=False)
    cap_per_loan = number(_("Compensation cap per loan"))

    def __init__(self, *args: Any, sponsors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("sponsor_id", sponsors)

    def clean_insurer_percent(self) -> str:
        return str(self.cleaned_data.get("insurer_percent") or "0")

    def clean_appraiser_percent(self) -> str:
        return str(self.cleaned_data.get("appraiser_percent") or "0")


class AdmitForm(ServiceForm):
    organisation_id = forms.IntegerField(label=_("Organisation number"), min_value=1, max_value=2**53)
