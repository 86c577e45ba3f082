"""The upload form; ``import_job_create`` checks the file itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import ServiceForm


class ImportForm(ServiceForm):
    organisation_id = forms.TypedChoiceField(label=_("Import for"), coerce=int)
    # Empty files reach the service, which says why it refuses them like any other.
    file = forms.FileField(
        label=_("Spreadsheet"),
        allow_empty_file=True,
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file in UTF-8 or GBK, with our "
            "template's headers or those of a CNIPA export."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt,.tsv"}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = organisations
        if len(organisations) == 1:
            field.widget = forms.HiddenInput()
