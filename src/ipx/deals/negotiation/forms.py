"""Page forms for negotiation. They collect typed input; the terms and the services check
it, and a refusal comes back onto the form as field errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ipx.core.errors import ApplicationError
from ipx.core.forms import AmountField, ServiceForm
from ipx.core.money import Currency
from ipx.core.uploads import ACCEPT, max_bytes, max_files, size_label
from ipx.deals.models import Commitment, DealKind, MilestoneCondition, Offer, PaymentStructure
from ipx.deals.negotiation.terms import DEFAULT_EXPIRY_DAYS, MAX_MILESTONES, OfferTerms, not_a_moment, read_moment
from ipx.listings.forms import MonthsField, PercentField
from ipx.listings.models import Exclusivity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the service checks each one's content."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [file for file in files if file]


class MessageForm(ServiceForm):
    body = forms.CharField(label=_("Message"), required=False, max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Named as the API's field, and added here: a class attribute ``files`` would read as
        # shadowing Form.files (the uploads), though the form's metaclass takes it away.
        self.fields["files"] = MultipleFileField(label=_("Attach files"), required=False,
                                                 widget=MultipleFileInput(attrs={"accept": ACCEPT}))
        count = max_files()
        self.fields["files"].help_text = ngettext("Up to %(n)d PDF or picture file, %(size)s.",
                                                  "Up to %(n)d PDF or picture files, %(size)s each.", count) % {
            "n": count, "size": size_label(max_bytes())}


class InquiryForm(ServiceForm):
    message = forms.CharField(label=_("Your inquiry"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("The seller answers in a private negotiation that only your two "
                                          "organisations, your agents and the exchange operator see."))


class AgentForm(ServiceForm):
    organisation_id = forms.ChoiceField(label=_("IP service agency"))

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation_id"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "—"), *agencies]


_ROW = "milestone_%d_%s"


class MomentField(forms.Field):
    """Until when an offer is open: a moment (the browser sends YYYY-MM-DDTHH:MM) or a day
    (its end), read as the offer's terms read it; whether it lies ahead is theirs to say."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> date | datetime | None:
        if value in self.empty_values or not str(value).strip():
            return None
        moment = read_moment(value)
        if moment is None:
            raise ValidationError(not_a_moment(str(value).strip()), code="invalid")
        return moment


class OfferForm(ServiceForm):
    """Typed fields whose values become the ``OfferTerms`` the services take, read by the
    same code as the API's."""

    kind = forms.ChoiceField(label=_("Kind of deal"), choices=DealKind.choices)
    commitment = forms.ChoiceField(label=_("Commitment"), choices=Commitment.choices, initial=Commitment.CONCLUDED)
    price_amount = AmountField(label=_("Price"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices,
                                 help_text=_("Offers are in the listing's currency."))
    payment_structure = forms.ChoiceField(label=_("Payment"), choices=PaymentStructure.choices,
                                          initial=PaymentStructure.LUMP_SUM)
    royalty_percent = PercentField(label=_("Running royalty (%)"), required=False,
                                   help_text=_("For a running royalty: above 0, at most 50."))
    licence_exclusivity = forms.ChoiceField(label=_("Licence exclusivity"), required=False,
                                            choices=[("", "—"), *Exclusivity.choices])
    licence_territory = forms.CharField(label=_("Licence territory"), required=False, max_length=200)
    licence_field = forms.CharField(label=_("Field of use"), required=False, max_length=200)
    licence_term_months = MonthsField(label=_("Licence term (months)"), required=False,
                                      named=_("The licence term"))
    trial_months = MonthsField(label=_("Free trial (months)"), required=False, named=_("The free trial"))
    notes = forms.CharField(label=_("Other terms"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    expires_at = MomentField(label=_("Open until"), required=False, help_text=_("At most 90 days from now."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_MILESTONES + 1):
            self.fields[_ROW % (n, "title")] = forms.CharField(label=_("Milestone %(n)d") % {"n": n},
                                                               required=False, max_length=200)
            self.fields[_ROW % (n, "amount")] = AmountField(label=_("Amount"), required=False)
            self.fields[_ROW % (n, "condition")] = forms.ChoiceField(
                label=_("Released when"), required=False, choices=[("", "—"), *MilestoneCondition.choices])

    @classmethod
    def initial_for(cls, *, currency: str, offer: Offer | None = None) -> dict[str, Any]:
        """Start from the listing's currency, or from the terms of the offer being answered."""
        expiry = timezone.localtime(timezone.now() + timedelta(days=DEFAULT_EXPIRY_DAYS)).strftime("%Y-%m-%dT%H:%M")
        initial: dict[str, Any] = {"currency": currency, "expires_at": expiry}
        if offer is None:
            return initial
        for name in ("kind", "commitment", "payment_structure", "licence_exclusivity", "licence_territory",
                     "licence_field", "notes", "price_amount", "royalty_percent", "licence_term_months",
                     "trial_months"):
            initial[name] = getattr(offer, name)
        for milestone in offer.milestones.all():
            n = milestone.position
            initial.update({_ROW % (n, "title"): milestone.title, _ROW % (n, "amount"): milestone.amount,
                            _ROW % (n, "condition"): milestone.condition})
        return initial

    def milestone_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[_ROW % (n, "title")], self[_ROW % (n, "amount")], self[_ROW % (n, "condition")])
                for n in range(1, MAX_MILESTONES + 1)]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith("milestone_")]

    def offer_terms(self, *, listing_currency: str) -> OfferTerms:
        """The form's terms for an offer on a listing in ``listing_currency``; raises
        ValidationFailed naming each bad field (``add_service_error`` puts them on the form)."""
        values: dict[str, object] = {name: self.cleaned_data.get(name) for name in self.fields
                                     if not name.startswith("milestone_")}
        rows = []
        self._row_numbers: dict[int, int] = {}  # position in the terms' list → row on the form
        for n in range(1, MAX_MILESTONES + 1):
            row = {key: self.cleaned_data.get(_ROW % (n, key)) for key in ("title", "amount", "condition")}
            if any(value not in (None, "") for value in row.values()):
                rows.append(row)
                self._row_numbers[len(rows)] = n
        values["milestones"] = rows
        return OfferTerms.parse(values, listing_currency=listing_currency)

    def add_service_error(self, error: ApplicationError) -> None:
        # The service names milestone fields "milestones.2.amount"; the form, "milestone_2_amount".
        renamed = {}
        for name, message in error.fields.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "milestones" and parts[1].isdigit():
                row = getattr(self, "_row_numbers", {}).get(int(parts[1]), int(parts[1]))
                name = _ROW % (row, parts[2])
            renamed[name] = message
        error.fields = renamed
        super().add_service_error(error)
