"""Asset forms: one per IP type. Typed fields (days, choices, lists) become the
``AssetValues`` the API and the import also give; ``cleaning`` checks them and its refusals
come back onto these fields (the field names are the parser's)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.catalog.cleaning import current_values
from ipx.catalog.inputs import AssetValues, split_list
from ipx.catalog.models import Asset, Copyright, Patent
from ipx.core.forms import DayField, ServiceForm


# Nothing is required here: the service says what is missing, in the same words as the API.
def _text(label: Any, *, max_length: int, help_text: Any = "", rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=widget,
        strip=True,
    )


def _date(label: Any, help_text: Any = "", *, named: bool = False) -> DayField:
    """``named``: the asset's parser names this day in its messages by the same label."""
    return DayField(label=label, required=False, help_text=help_text, named=label if named else "")


class ListField(forms.CharField):
    """Items typed into one box, separated by “;” (and “,” unless ``commas`` is False)."""

    def __init__(self, *, commas: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commas = commas

    def clean(self, value: Any) -> tuple[str, ...]:
        # The text's length is checked as typed, then it is split.
        return tuple(split_list(super().clean(value), commas=self.commas))

    def prepare_value(self, value: Any) -> Any:
        return "; ".join(value) if isinstance(value, list | tuple) else value


def _list(label: Any, *, max_length: int, help_text: Any = "", commas: bool = True) -> ListField:
    return ListField(label=label, max_length=max_length, required=False, help_text=help_text, strip=True,
                     commas=commas)


class AssetForm(ServiceForm):
    """The fields every asset has."""

    title = _text(_("Title"), max_length=300)
    title_en = _text(_("Title in English"), max_length=300)
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        choices=Asset.LegalStatus.choices,
        initial=Asset.LegalStatus.IN_FORCE,
    )
    owners = _list(
        _("Owners of record"),
        max_length=6000,
        help_text=_(
            "Separate names with “;”. Leave empty when your organisation is the only owner."
        ),
        commas=False,
    )
    abstract = _text(_("Abstract or description"), max_length=100_000, rows=5)

    ip_type: str = ""

    def values(self) -> AssetValues:
        """Every field of the form, for a new asset or as an edit that sets them all."""
        return AssetValues.read(self.cleaned_data)

    @classmethod
    def initial_from(cls, asset: Asset) -> dict[str, Any]:
        """The asset's values as the form shows them."""
        return {name: _shown(value) for name, value in current_values(asset).items() if name in cls.base_fields}


def _shown(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return value


class PatentForm(AssetForm):
    ip_type = Asset.Type.PATENT

    office = _text(_("Patent office"), max_length=2, help_text=_("Two letters, e.g. CN, US, EP."))
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("From the application number")), *Patent.Kind.choices],
    )
    application_number = _text(
        _("Application number"),
        max_length=40,
        help_text=_("CN numbers with the check character, e.g. 202010123456.X."),
    )
    publication_number = _text(
        _("Publication number"), max_length=40, help_text=_("e.g. CN114081026A.")
    )
    grant_number = _text(_("Grant number"), max_length=40)
    filing_date = _date(_("Filing date"), named=True)
    publication_date = _date(_("Publication date"), named=True)
    grant_date = _date(_("Grant date"), named=True)
    ipc_codes = _list(
        _("IPC codes"),
        max_length=2000,
        help_text=_(
            "Separate codes with “;”; the first is the main one, e.g. H01M10/0525; H01M4/131."
        ),
    )
    inventors = _text(_("Inventors"), max_length=2000)
    claims = _text(_("Claims"), max_length=100_000, rows=5)

    field_order = [
        "title",
        "title_en",
        "office",
        "kind",
        "application_number",
        "publication_number",
        "grant_number",
        "filing_date",
        "publication_date",
        "grant_date",
        "ipc_codes",
        "legal_status",
        "owners",
        "inventors",
        "abstract",
        "claims",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("office", "CN")
        super().__init__(*args, **kwargs)


class TrademarkForm(AssetForm):
    ip_type = Asset.Type.TRADEMARK

    registration_number = _text(
        _("Registration number"), max_length=20, help_text=_("1 to 9 digits, e.g. 12345678.")
    )
    nice_classes = _text(
        _("Nice classes"),
        max_length=200,
        help_text=_("Numbers 1 to 45, separated by commas, e.g. 9, 35."),
    )
    goods_services = _text(_("Goods and services"), max_length=10_000, rows=3)
    registration_date = _date(_("Registration date"), named=True)
    renewed_until = _date(
        _("Renewed until"), help_text=_("Only when the registration was renewed.")
    )

    field_order = [
        "title",
        "title_en",
        "registration_number",
        "nice_classes",
        "goods_services",
        "registration_date",
        "renewed_until",
        "legal_status",
        "owners",
        "abstract",
    ]


class CopyrightForm(AssetForm):
    ip_type = Asset.Type.COPYRIGHT

    kind = forms.ChoiceField(label=_("Kind"), choices=Copyright.Kind.choices)
    registration_number = _text(
        _("Registration number"),
        max_length=40,
        help_text=_("Software: e.g. 2020SR0123456; works: e.g. 国作登字-2021-F-00012345."),
    )
    work_category = _text(_("Category of work"), max_length=60)
    version = _text(_("Version"), max_length=30)
    completion_date = _date(_("Completed"))
    registration_date = _date(_("Registration date"))

    field_order = [
        "title",
        "title_en",
        "kind",
        "registration_number",
        "work_category",
        "version",
        "completion_date",
        "registration_date",
        "legal_status",
        "owners",
        "abstract",
    ]


class GIProductForm(AssetForm):
    ip_type = Asset.Type.GI

    protected_region = _text(_("Protected region"), max_length=200)
    producer = _text(_("Producer"), max_length=200)
    category = _text(_("Product category"), max_length=100)
    approval_number = _text(_("Approval or announcement number"), max_length=60)
    approval_date = _date(_("Approved"))

    field_order = [
        "title",
        "title_en",
        "protected_region",
        "producer",
        "category",
        "approval_number",
        "approval_date",
        "legal_status",
        "owners",
        "abstract",
    ]


FORMS: dict[str, type[AssetForm]] = {
    Asset.Type.PATENT: PatentForm,
    Asset.Type.TRADEMARK: TrademarkForm,
    Asset.Type.COPYRIGHT: CopyrightForm,
    Asset.Type.GI: GIProductForm,
}


def form_class(ip_type: str) -> type[AssetForm] | None:
    return FORMS.get(ip_type)
