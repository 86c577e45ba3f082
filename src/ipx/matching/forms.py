"""Forms for demands and saved searches: typed fields whose values become the value objects
the services take (``DemandInput``, ``DemandChanges``, ``SavedSearchInput``), read and checked
by the same code as the API's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.accounts.regions import Province, country_choices
from ipx.core.forms import AmountField, DayField, ServiceForm, read_with
from ipx.core.money import Currency
from ipx.matching.demands.inputs import MAX_DESCRIPTION, MAX_TITLE, DemandChanges, DemandInput, read_codes
from ipx.matching.models import REGION_CHOICES, Demand
from ipx.matching.saved_searches.inputs import SavedSearchInput


class CodesField(forms.Field):
    """IPC codes separated by commas, read into a tuple (each code is checked by the demand's rules)."""

    widget = forms.TextInput(attrs={"maxlength": "400"})

    def to_python(self, value: Any) -> tuple[str, ...]:
        return read_with(read_codes, value)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


class DemandForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE,
                            help_text=_("What you need, in one line, e.g. “A lithium-battery separator that stays "
                                        "stable above 180 °C”."))
    # No max_length here: the demand's rules say how long the text is and how long it may be.
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("What the technology must achieve, where it will be used, the "
                                              "constraints. 20 to 20,000 characters, in Chinese or English."))
    ipc_codes = CodesField(label=_("IPC classes (optional)"), required=False,
                           help_text=_("Separated by commas, e.g. H01M, H01M50/40. They help matching."))
    budget_min_amount = AmountField(label=_("Budget from"), required=False)
    budget_max_amount = AmountField(label=_("Budget up to"), required=False)
    budget_currency = forms.ChoiceField(label=_("Budget currency"), required=False,
                                        choices=[("", _("No budget given")), *Currency.choices])
    region_kind = forms.ChoiceField(label=_("Solutions from"), choices=REGION_CHOICES)
    province = forms.ChoiceField(label=_("Province (mainland)"), required=False,
                                 choices=[("", _("Anywhere on the mainland")), *Province.choices])
    country = forms.ChoiceField(label=_("Country (overseas)"), required=False)
    deadline = DayField(label=_("Deadline"), named=_("Deadline"),
                             help_text=_("After today and at most two years ahead; the demand expires after it."))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Demand.Visibility.choices,
                                   widget=forms.RadioSelect, initial=Demand.Visibility.PUBLIC)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["maxlength"] = str(MAX_DESCRIPTION)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", "—"), *country_choices()]

    def demand_input(self) -> DemandInput:
        """A new demand from the form's values; raises ValidationFailed naming each bad field."""
        return DemandInput.parse(self.cleaned_data)

    def demand_changes(self) -> DemandChanges:
        """Every field of the form, as an edit of the demand."""
        return DemandChanges.parse(self.cleaned_data)

    @staticmethod
    def initial_for(demand: Demand) -> dict[str, Any]:
        return {
            "title": demand.title, "description": demand.description, "ipc_codes": demand.ipc_codes,
            "budget_min_amount": demand.budget_min_amount, "budget_max_amount": demand.budget_max_amount,
            "budget_currency": demand.budget_currency, "region_kind": demand.region_kind,
            "province": demand.province, "country": demand.country, "deadline": demand.deadline,
            "visibility": demand.visibility,
        }


class CloseForm(ServiceForm):
    solved = forms.BooleanField(label=_("We found a solution"), required=False)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown on the demand's page, e.g. how the need was met."))


class SavedSearchForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    query = forms.CharField(widget=forms.HiddenInput, max_length=4000)
    alerts = forms.BooleanField(label=_("Tell me about new listings that match"), required=False, initial=True)

    def search_input(self) -> SavedSearchInput:
        """The search to keep; raises ValidationFailed naming each bad field."""
        data = self.cleaned_data
        return SavedSearchInput.parse(name=data["name"], query=data["query"], alerts=data["alerts"])
