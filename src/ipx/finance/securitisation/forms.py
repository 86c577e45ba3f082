"""The securitisation pages' forms: fields only, as text where the services read the value, and
named as the services name them (``tranches.0.size``), so that a refusal lands on its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import DayField, ServiceForm
from ipx.core.money import Currency
from ipx.core.uploads import ACCEPT
from ipx.finance.models import Receivable, Tranche, TriggerTerm
from ipx.finance.securitisation.inputs import FeeIn, InstalmentIn, StructureIn, TrancheIn, TriggerIn

TEXT = forms.TextInput(attrs={"inputmode": "decimal"})
TRANCHE_ROWS, FEE_ROWS, TRIGGER_ROWS = 3, 3, 2
Choices = Iterable[tuple[Any, Any]]


def number(label: Any, **options: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=30, widget=TEXT, **options)


def optional(choices: Choices) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class ReceivableForm(ServiceForm):
    originator_id = forms.TypedChoiceField(label=_("Originator"), coerce=int)
    source = forms.ChoiceField(label=_("Source"), choices=Receivable.Source.choices, widget=forms.RadioSelect)
    deal_id = forms.ChoiceField(label=_("Licence deal (on the exchange)"), required=False)
    payer_id = forms.ChoiceField(label=_("Payer on the exchange (off-platform contract)"), required=False)
    payer_name = forms.CharField(label=_("Or the payer's name"), max_length=200, required=False)
    contract_reference = forms.CharField(label=_("Contract number"), max_length=100, required=False)
    contract_file = forms.FileField(label=_("Contract document (PDF or scan)"), required=False,
                                    widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    currency = forms.ChoiceField(label=_("Currency"), choices=optional(Currency.choices), required=False,
                                 help_text=_("A deal's receivable is in the deal's currency."))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    schedule = forms.CharField(label=_("Schedule"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("One instalment a line: the day it is due and the amount, e.g. "
                                           "2027-03-31 250,000."))

    def __init__(self, *args: Any, originators: Choices, deals: Choices, payers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("originator_id", originators)
        self.set_choices("deal_id", optional(deals))
        self.set_choices("payer_id", optional(payers))

    def instalments(self) -> list[InstalmentIn]:
        rows = []
        for line in self.cleaned_data["schedule"].splitlines():
            parts = line.replace("\t", " ").strip().split(None, 1)
            if parts:
                rows.append(InstalmentIn(due_on=parts[0], amount=parts[1] if len(parts) > 1 else ""))
        return rows


class MarkForm(ServiceForm):
    status = forms.ChoiceField(label=_("Mark as"), choices=Receivable.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ProductForm(ServiceForm):
    originator_id = forms.TypedChoiceField(label=_("Originator"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    trustee_id = forms.ChoiceField(label=_("Trustee"), help_text=_("Runs the periods and holds the product's "
                                                                   "accounts."))
    servicer_id = forms.ChoiceField(label=_("Servicer"), help_text=_("Collects from the payers."))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    cut_off = DayField(label=_("Cut-off date"), named=_("The cut-off date"))
    periods_per_year = forms.ChoiceField(label=_("Payment periods a year"), initial="4",
                                         choices=[("1", "1"), ("2", "2"), ("4", "4"), ("12", "12")])
    # xgettext:no-python-format
    concentration_percent = number(_("Largest payer (% of the pool at most)"), initial="25")

    def __init__(self, *args: Any, originators: Choices, organisations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("originator_id", originators)
        self.set_choices("trustee_id", optional(organisations))
        self.set_choices("servicer_id", optional(organisations))


class PoolForm(ServiceForm):
    receivable_ids = forms.TypedMultipleChoiceField(label=_("Receivables in the pool"), coerce=int,
                                                    widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, receivables: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("receivable_ids", receivables)


SENIORITIES = Tranche.Seniority.choices
DEFAULT_SENIORITY = ("senior", "mezzanine", "subordinated")


class StructureForm(ServiceForm):
    """Up to three tranches, three fees and two triggers; a row counts when it has a name."""

    reserve_target = number(_("Reserve account target"), initial="0")
    tax_percent = number(_("Tax on collections (%)"), initial="0")
    guarantor_id = forms.ChoiceField(label=_("Shortfall guarantor (差额支付承诺人)"), required=False)
    guarantee_limit = number(_("Most the guarantor undertakes to pay"), initial="0", required=False)

    def __init__(self, *args: Any, organisations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.set_choices("guarantor_id", optional(organisations))
        for i in range(TRANCHE_ROWS):
            self.fields[f"tranches.{i}.name"] = forms.CharField(label=_("Tranche name"), max_length=60,
                                                                required=False)
            self.fields[f"tranches.{i}.seniority"] = forms.ChoiceField(label=_("Seniority"), choices=SENIORITIES,
                                                                       initial=DEFAULT_SENIORITY[i])
            self.fields[f"tranches.{i}.size"] = number(_("Size"), required=False)
            self.fields[f"tranches.{i}.coupon_percent"] = number(_("Coupon (% a year)"), required=False)
            self.fields[f"tranches.{i}.legal_maturity"] = forms.CharField(
                label=_("Legal maturity"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"tranches.{i}.priority"] = number(_("Priority"), required=False, initial=str(i + 1))
        for i in range(FEE_ROWS):
            self.fields[f"fees.{i}.name"] = forms.CharField(label=_("Fee"), max_length=60, required=False)
            fee_payee = forms.ChoiceField(label=_("Paid to"), required=False)
            fee_payee.choices = optional(organisations)
            self.fields[f"fees.{i}.payee_id"] = fee_payee
            self.fields[f"fees.{i}.amount"] = number(_("Per period"), required=False)
            self.fields[f"fees.{i}.rate_percent"] = number(_("% a year of the pool"), required=False)
        for i in range(TRIGGER_ROWS):
            self.fields[f"triggers.{i}.name"] = forms.CharField(label=_("Trigger"), max_length=60, required=False)
            self.fields[f"triggers.{i}.metric"] = forms.ChoiceField(label=_("Measure"),
                                                                    choices=TriggerTerm.Metric.choices)
            self.fields[f"triggers.{i}.threshold"] = number(_("Breached below (ratio, 1.05 = 105 %)"),
                                                            required=False)
            self.fields[f"triggers.{i}.action"] = forms.ChoiceField(label=_("Then"),
                                                                    choices=TriggerTerm.Consequence.choices)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields by row, for the page to show each row as a group."""
        found: list[tuple[str, list[forms.BoundField]]] = [
            (str(_("Reserve, tax and guarantor")), [self[name] for name in (
                "reserve_target", "tax_percent", "guarantor_id", "guarantee_limit")])]
        for kind, rows, title in (("tranches", TRANCHE_ROWS, _("Tranche %(n)d")), ("fees", FEE_ROWS, _("Fee %(n)d")),
                                  ("triggers", TRIGGER_ROWS, _("Trigger %(n)d"))):
            for i in range(rows):
                found.append((str(title) % {"n": i + 1},
                              [self[name] for name in self.fields if name.startswith(f"{kind}.{i}.")]))
        return found

    def _rows(self, kind: str, count: int) -> list[tuple[int, dict[str, Any]]]:
        data = self.cleaned_data
        rows = []
        for i in range(count):
            values = {name.split(".", 2)[2]: value for name, value in data.items() if name.startswith(f"{kind}.{i}.")}
            if str(values.get("name") or "").strip():
                rows.append((i, values))
        return rows

    def values(self) -> tuple[StructureIn, dict[str, str]]:
        """The structure, and where each sent row's errors belong (the service numbers the rows sent)."""
        moved: dict[str, str] = {}

        def sent(kind: str, count: int) -> list[dict[str, Any]]:
            rows = self._rows(kind, count)
            moved.update({f"{kind}.{position}.": f"{kind}.{i}." for position, (i, _values) in enumerate(rows)})
            return [values for _i, values in rows]

        tranches = [TrancheIn(**values) for values in sent("tranches", TRANCHE_ROWS)]
        fees = [FeeIn(**values) for values in sent("fees", FEE_ROWS)]
        triggers = [TriggerIn(**values) for values in sent("triggers", TRIGGER_ROWS)]
        data = self.cleaned_data
        return StructureIn(tranches=tranches, fees=fees, triggers=triggers, reserve_target=data["reserve_target"],
                           tax_percent=data["tax_percent"], guarantor_id=data["guarantor_id"] or None,
                           guarantee_limit=data["guarantee_limit"] or "0"), moved


class SubscribeForm(ServiceForm):
    tranche_id = forms.TypedChoiceField(label=_("Tranche"), coerce=int)
    investor_id = forms.TypedChoiceField(label=_("Investor"), coerce=int)
    amount = number(_("Amount"))

    def __init__(self, *args: Any, tranches: Choices, investors: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("tranche_id", tranches)
        self.set_choices("investor_id", investors)


class CollectionsForm(ServiceForm):
    """What each payer paid in the period: one amount per instalment still owed (empty: nothing)."""

    def __init__(self, *args: Any, instalments: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instalment_ids: list[int] = []
        for index, (pk, label) in enumerate(instalments):
            self.instalment_ids.append(pk)
            self.fields[f"collections.{index}.amount"] = number(label, required=False)

    def rows(self) -> list[tuple[int, int, str]]:
        """(form row, instalment id, amount) of each amount given."""
        return [(index, pk, value) for index, pk in enumerate(self.instalment_ids)
                if (value := str(self.cleaned_data.get(f"collections.{index}.amount") or "").strip())]


class ScenarioForm(ServiceForm):
    # xgettext:no-python-format
    default_rate = number(_("Defaults (% of the pool a year)"), initial="2")
    prepayment_rate = number(_("Prepayments (% a year)"), initial="0")
    delay_periods = number(_("Payments late by (periods)"), initial="0")
    recovery_rate = number(_("Recovered of what defaults (%)"), initial="30")
    recovery_lag = number(_("Recovered after (periods)"), initial="2")
