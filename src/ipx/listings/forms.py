"""The listing form: typed fields whose values become the ``ListingInput`` or
``ListingChanges`` the services take, read by the same code as the API's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ipx.accounts.forms import ServiceForm
from ipx.core.money import Currency
from ipx.core.uploads import ACCEPT, max_bytes, size_label
from ipx.listings.inputs import ListingChanges, ListingInput
from ipx.listings.models import Exclusivity, OfferKind, PriceType


class DecimalInput(forms.TextInput):
    """A decimal as people write one — thousands separated by commas, a percentage with its
    sign — in a text box (a number box would refuse the commas). Its limits and decimals are
    checked by the listing's terms, which know the currency."""

    def __init__(self, *, percent: bool = False) -> None:
        super().__init__(attrs={"inputmode": "decimal"})
        self.percent = percent

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            value = value.replace(",", "").strip()
            if self.percent:
                value = value.removesuffix("%").strip()
        return value


class DayField(forms.DateField):
    """A day in the forms the services read (2026-06-01, 2026/06/01, 20260601, 2026年6月1日)."""

    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]
    widget = forms.DateInput(format="%Y-%m-%d")
    default_error_messages = {"invalid": _("“%(value)s” is not a date; write it as YYYY-MM-DD.")}

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            # Name what was typed, as the API does.
            raise ValidationError(self.error_messages["invalid"], code="invalid",
                                  params={"value": str(value).strip()}) from None


class ListingForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    asset_ids = forms.TypedMultipleChoiceField(
        label=_("Assets offered"), widget=forms.CheckboxSelectMultiple, coerce=int,
        help_text=_("Choose one asset, or several to offer them as a package."))
    offer_kinds = forms.MultipleChoiceField(label=_("Offered as"), choices=OfferKind.choices,
                                            widget=forms.CheckboxSelectMultiple)
    licence_exclusivity = forms.ChoiceField(label=_("Licence exclusivity"), required=False,
                                            choices=[("", "—"), *Exclusivity.choices])
    licence_territory = forms.CharField(label=_("Licence territory"), required=False, max_length=200)
    licence_field = forms.CharField(label=_("Field of use"), required=False, max_length=200)
    licence_term_months = forms.IntegerField(label=_("Licence term (months)"), required=False)
    trial_months = forms.IntegerField(label=_("Free trial (months)"), required=False)
    after_trial_fee_amount = forms.DecimalField(label=_("Fee after the trial"), required=False,
                                                widget=DecimalInput())
    after_trial_royalty_percent = forms.DecimalField(label=_("Royalty after the trial (%)"), required=False,
                                                     widget=DecimalInput(percent=True))
    price_type = forms.ChoiceField(label=_("Price"), choices=PriceType.choices)
    price_amount = forms.DecimalField(label=_("Price (or lowest price)"), required=False,
                                      widget=DecimalInput())
    price_max_amount = forms.DecimalField(label=_("Highest price"), required=False, widget=DecimalInput())
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    expires_on = DayField(label=_("Offer ends (YYYY-MM-DD)"), required=False,
                          help_text=_("Leave empty for one year from publication."))
    requires_nda = forms.BooleanField(label=_("Detailed documents need a non-disclosure agreement"),
                                      required=False)
    nda_text = forms.CharField(label=_("Non-disclosure terms"), required=False, max_length=20_000,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("Members accept these terms for their organisation before they see "
                                           "the documents."))

    def __init__(self, *args: Any, asset_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assets = self.fields["asset_ids"]
        assert isinstance(assets, forms.MultipleChoiceField)
        assets.choices = asset_choices
        # The words the API uses for the same mistakes, in the reader's language.
        not_months = gettext("%(field)s must be a whole number of months.")
        self.fields["licence_term_months"].error_messages["invalid"] = not_months % {
            "field": gettext("The licence term")}
        self.fields["trial_months"].error_messages["invalid"] = not_months % {"field": gettext("The free trial")}
        for name in ("after_trial_fee_amount", "price_amount", "price_max_amount"):
            self.fields[name].error_messages["invalid"] = gettext("Enter an amount as a number, e.g. 250000.00.")
        self.fields["after_trial_royalty_percent"].error_messages["invalid"] = gettext(
            "The royalty is a percentage above 0 and at most 50.")

    def listing_input(self) -> ListingInput:
        """A new listing from the form's values; raises ValidationFailed naming each bad field."""
        return ListingInput.parse(self.cleaned_data)

    def listing_changes(self) -> ListingChanges:
        """The form sets every field of the listing it edits."""
        return ListingChanges.parse(self.cleaned_data)


class DocumentForm(ServiceForm):
    """One detailed document (claims, test report, drawings) for a listing."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the file's name."))
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, WebP or GIF."),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG, JPEG, WebP or GIF, up to %(size)s.") % {
            "size": size_label(max_bytes())}
