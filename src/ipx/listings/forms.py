"""The listing form: collects input for ``listing_create`` / ``listing_update``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.accounts.forms import ServiceForm
from ipx.core.money import Currency
from ipx.core.uploads import ACCEPT, max_bytes, size_label
from ipx.listings.models import Exclusivity, OfferKind, PriceType


class ListingForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    asset_ids = forms.MultipleChoiceField(label=_("Assets offered"), widget=forms.CheckboxSelectMultiple,
                                          help_text=_("Choose one asset, or several to offer them as a package."))
    offer_kinds = forms.MultipleChoiceField(label=_("Offered as"), choices=OfferKind.choices,
                                            widget=forms.CheckboxSelectMultiple)
    licence_exclusivity = forms.ChoiceField(label=_("Licence exclusivity"), required=False,
                                            choices=[("", "—"), *Exclusivity.choices])
    licence_territory = forms.CharField(label=_("Licence territory"), required=False, max_length=200)
    licence_field = forms.CharField(label=_("Field of use"), required=False, max_length=200)
    licence_term_months = forms.CharField(label=_("Licence term (months)"), required=False, max_length=10)
    trial_months = forms.CharField(label=_("Free trial (months)"), required=False, max_length=10)
    after_trial_fee_amount = forms.CharField(label=_("Fee after the trial"), required=False, max_length=30)
    after_trial_royalty_percent = forms.CharField(label=_("Royalty after the trial (%)"), required=False,
                                                  max_length=10)
    price_type = forms.ChoiceField(label=_("Price"), choices=PriceType.choices)
    price_amount = forms.CharField(label=_("Price (or lowest price)"), required=False, max_length=30)
    price_max_amount = forms.CharField(label=_("Highest price"), required=False, max_length=30)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    expires_on = forms.CharField(label=_("Offer ends (YYYY-MM-DD)"), required=False, max_length=10,
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

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


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
