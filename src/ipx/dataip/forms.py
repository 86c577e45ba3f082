"""The registry's page forms: fields only; the services judge the values (``ProductInput``
reads the application as the API's does), and a refusal comes back onto the form's fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ipx.core.errors import ApplicationError
from ipx.core.forms import ServiceForm
from ipx.core.uploads import ACCEPT, max_bytes, max_files, size_label
from ipx.dataip.inputs import CHANGEABLE
from ipx.dataip.models import DataProduct, DataSource, Industry, UpdateFrequency
from ipx.deals.negotiation.forms import MultipleFileField, MultipleFileInput

SAMPLE_ACCEPT = ".csv,.json,.jsonl,.xlsx"


def _text(label: Any, *, rows: int = 3, required: bool = True, max_length: int = 3000, **kwargs: Any) -> Any:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class ProductForm(ServiceForm):
    """Every field of an application, each read by the service (as the API's are), so the page
    and the API word a mistake alike and name all of them at once."""

    name = forms.CharField(label=_("Name of the data product"), max_length=200)
    description = _text(_("Description"), max_length=5000)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices])
    source = forms.ChoiceField(label=_("Data source"), choices=[("", "—"), *DataSource.choices])
    collection_method = _text(_("How the data was collected"))
    lawful_basis = _text(_("Lawful basis for collecting and using it"))
    records = forms.CharField(label=_("Records"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    size_bytes = forms.CharField(label=_("Size (bytes)"), max_length=30,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    structure = _text(_("Structure and fields"), rows=4, max_length=10000)
    update_frequency = forms.ChoiceField(label=_("Updated"), choices=[("", "—"), *UpdateFrequency.choices])
    span_from = forms.CharField(label=_("Data from"), max_length=30, widget=forms.DateInput(attrs={"type": "date"}))
    span_until = forms.CharField(label=_("Data until"), max_length=30,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    restrictions = _text(_("Use restrictions"), required=False)
    fingerprint_of = forms.ChoiceField(label=_("The fingerprint is of"), choices=DataProduct.FingerprintOf.choices,
                                       initial=DataProduct.FingerprintOf.DATA_SET)
    fingerprint = forms.CharField(label=_("SHA-256 fingerprint"), required=False, max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                  help_text=_("64 hexadecimal digits. Give the fingerprint and keep the file, or "
                                              "upload the file below and the registry computes it."))
    deposit = forms.FileField(label=_("Or deposit the file itself"), required=False,
                              help_text=_("Up to 2 GB; its SHA-256 is computed as it arrives. Given both, the "
                                          "fingerprint must be the file's."))
    sample = forms.FileField(label=_("Sample of the data"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": SAMPLE_ACCEPT}))

    def __init__(self, *args: Any, sample_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The service reads every value and names every problem at once (as for the API).
            field.required = False
        self.fields["sample"].help_text = (
            _("A CSV, JSON, JSON Lines or Excel (.xlsx) file, up to %(size)s.") % {"size": size_label(max_bytes())}
            if sample_required else _("Upload a new sample only to replace the one kept."))

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("sample", "deposit")}


class ChangeForm(ServiceForm):
    """What may change of a registered product; the rest stays as registered."""

    name = forms.CharField(label=_("Name of the data product"), max_length=200)
    description = _text(_("Description"), max_length=5000)
    structure = _text(_("Structure and fields"), rows=4, max_length=10000)
    update_frequency = forms.ChoiceField(label=_("Updated"), choices=UpdateFrequency.choices)
    span_until = forms.CharField(label=_("Data until"), max_length=30, widget=forms.DateInput(attrs={"type": "date"}))
    restrictions = _text(_("Use restrictions"), required=False)
    records = forms.CharField(label=_("Records"), max_length=30)
    size_bytes = forms.CharField(label=_("Size (bytes)"), max_length=30)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CHANGEABLE}


class ReasonForm(ServiceForm):
    reason = _text(_("Reason"), required=False)


class NoteForm(ServiceForm):
    """A reviewer's note or reason for a step, sent as "note" whatever the step (a page has a
    form per step, their ids kept apart by ``auto_id``); the services name it "note" or
    "reason", and either refusal marks it."""

    note = _text(_("Note or reason"), rows=2, required=False)

    def add_service_error(self, error: ApplicationError) -> None:
        if "reason" in error.fields:
            error = ApplicationError(error.message, code=error.code, fields={
                "note" if name == "reason" else name: text for name, text in error.fields.items()})
        super().add_service_error(error)


class DecisionForm(NoteForm):
    """An objection's decision, with its reasons."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("dismiss", _("Dismiss the objection")),
                                                               ("uphold", _("Uphold the objection"))])
    field_order = ["decision", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Reasons for the decision")


class ObjectionForm(ServiceForm):
    reason = _text(_("Why the application should not be registered"), rows=5, max_length=5000, required=False)
    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int, required=False, empty_value=None)
    evidence = MultipleFileField(label=_("Evidence"), required=False,
                                 widget=MultipleFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.set_choices("organisation", [("", _("Myself")), *organisations])
        else:
            del self.fields["organisation"]
        count = max_files()
        self.fields["evidence"].help_text = ngettext("Up to %(n)d PDF or picture file, %(size)s.",
                                                     "Up to %(n)d PDF or picture files, %(size)s each.", count) % {
            "n": count, "size": size_label(max_bytes())}
