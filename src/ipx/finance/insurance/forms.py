"""The insurance pages' forms: fields only; the services judge the values, and a refusal comes
back onto the form's fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ipx.core.forms import AmountField, ServiceForm
from ipx.core.money import Currency
from ipx.core.uploads import ACCEPT, max_bytes, max_files, size_label
from ipx.deals.negotiation.forms import MultipleFileField, MultipleFileInput
from ipx.finance.models import InsuranceProduct
from ipx.finance.services.insurance import MAX_TERM_MONTHS, ProductValues

P = InsuranceProduct


class ProductForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("What it covers"), choices=P.Kind.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    premium_rule = forms.ChoiceField(label=_("Premium"), choices=P.PremiumRule.choices)
    premium_base = AmountField(label=_("Base premium"), required=False, help_text=_("With a base premium plus an "
                                                                                   "amount per IP right."))
    premium_per_asset = AmountField(label=_("Premium per IP right"), required=False)
    # xgettext:no-python-format
    premium_percent = forms.DecimalField(label=_("Premium (% of the cover)"), required=False, decimal_places=2,
                                         help_text=_("With a percentage of the cover."))
    cover_rule = forms.ChoiceField(label=_("Cover limit"), choices=P.CoverRule.choices)
    cover_fixed = AmountField(label=_("Fixed cover limit"), required=False)
    cover_multiple = forms.DecimalField(label=_("Cover (times the premium)"), required=False, decimal_places=2)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=MAX_TERM_MONTHS, initial=12)
    active = forms.BooleanField(label=_("On sale"), required=False, initial=True)

    def values(self) -> ProductValues:
        data: dict[str, Any] = {name: ("" if value is None else value) for name, value in self.cleaned_data.items()
                                if name not in ("insurer",)}
        return ProductValues(**data)


class NewProductForm(ProductForm):
    insurer = forms.TypedChoiceField(label=_("Insurer"), coerce=int)

    def __init__(self, *args: Any, insurers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("insurer", insurers)
        self.order_fields(["insurer"])


class PolicyForm(ServiceForm):
    """Ask for a quote: the IP rights to insure (or, for a guarantee, the loan) and the cover."""

    policyholder = forms.TypedChoiceField(label=_("Policyholder"), coerce=int)
    asset_ids = forms.TypedMultipleChoiceField(label=_("IP rights to insure"), coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    loan_id = forms.TypedChoiceField(label=_("Loan to guarantee"), coerce=int, required=False, empty_value=None)
    cover = AmountField(label=_("Cover asked (optional)"), required=False,
                        help_text=_("Leave empty for the product's limit."))

    def __init__(self, *args: Any, holders: list[tuple[int, str]], assets: list[tuple[int, str]],
                 loans: list[tuple[int, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("policyholder", holders)
        if loans is None:
            del self.fields["loan_id"]
            self.set_choices("asset_ids", assets)
        else:
            del self.fields["asset_ids"]
            self.set_choices("loan_id", [("", "—"), *loans])


class ClaimForm(ServiceForm):
    amount = AmountField(label=_("Amount claimed"))
    description = forms.CharField(label=_("What happened"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"] = MultipleFileField(label=_("Evidence"), required=False,
                                                 widget=MultipleFileInput(attrs={"accept": ACCEPT}))
        count = max_files()
        self.fields["files"].help_text = ngettext("Up to %(n)d PDF or picture file, %(size)s.",
                                                  "Up to %(n)d PDF or picture files, %(size)s each.", count) % {
            "n": count, "size": size_label(max_bytes())}


class ApproveForm(ServiceForm):
    amount = AmountField(label=_("Amount approved"))


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
