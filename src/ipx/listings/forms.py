"""The listing form: typed fields whose values become the ``ListingInput`` or
``ListingChanges`` the services take, read by the same code as the API's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import AmountField, DayField, ServiceForm, read_with
from ipx.core.money import Currency
from ipx.core.uploads import ACCEPT, max_bytes, size_label
from ipx.core.validation import FieldErrors
from ipx.listings.inputs import ListingChanges, ListingInput
from ipx.listings.models import Exclusivity, OfferKind, PriceType
from ipx.listings.terms import to_months, to_percent


class MonthsField(forms.IntegerField):
    """A whole number of months (a licence's term, a free trial), read as the terms read it;
    ``named`` is what the terms call it when they refuse it. The limits are the terms' rule."""

    def __init__(self, *, named: str | Promise, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.named = named

    def to_python(self, value: Any) -> Any:
        return read_with(self._read, value)

    def _read(self, value: object, *, field: str, errors: FieldErrors) -> int | None:
        return to_months(value, field=field, errors=errors, label=self.named)


class PercentField(forms.DecimalField):
    """A rate in percent, its sign perhaps typed too (“3.5 %”), read as the terms read it;
    whether it lies within the limits is the terms' rule."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Any:
        # A Decimal or None (the type stubs give DecimalField the int of IntegerField).
        rate: Decimal | None = read_with(to_percent, value)
        return rate


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
    licence_term_months = MonthsField(label=_("Licence term (months)"), required=False,
                                      named=_("The licence term"))
    trial_months = MonthsField(label=_("Free trial (months)"), required=False, named=_("The free trial"))
    after_trial_fee_amount = AmountField(label=_("Fee after the trial"), required=False)
    after_trial_royalty_percent = PercentField(label=_("Royalty after the trial (%)"), required=False)
    price_type = forms.ChoiceField(label=_("Price"), choices=PriceType.choices)
    price_amount = AmountField(label=_("Price (or lowest price)"), required=False)
    price_max_amount = AmountField(label=_("Highest price"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    # A text box, as the label says: the day is typed in any of the forms the services read.
    expires_on = DayField(label=_("Offer ends (YYYY-MM-DD)"), required=False,
                          help_text=_("Leave empty for one year from publication."),
                          widget=forms.DateInput(format="%Y-%m-%d"))
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
