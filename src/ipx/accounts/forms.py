"""Page forms for members. Their typed fields become the values of ``accounts.inputs``, which
the API builds too; a refusal of the checks or of a service comes back onto the form as field
errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.accounts.inputs import InvitationInput, OrganisationValues, RegistrationInput
from ipx.accounts.models import Membership, Organisation
from ipx.accounts.regions import Province, RegionKind, country_choices
from ipx.core.forms import ServiceForm


class OrganisationFields(ServiceForm):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=Organisation.Kind.choices)
    region_kind = forms.ChoiceField(label=_("Region"), choices=RegionKind.choices)
    province = forms.ChoiceField(label=_("Province (mainland)"), required=False,
                                 choices=[("", "—"), *Province.choices])
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country (overseas)"), required=False)
    uscc = forms.CharField(label=_("Unified Social Credit Code"), max_length=30, required=False,
                           help_text=_("18 characters; required for mainland organisations except individuals."))
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    description = forms.CharField(label=_("About the organisation"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False, max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The country list is built when asked, in the reader's language.
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", "—"), *country_choices()]

    def organisation_values(self, *, changed_from: Mapping[str, object] | None = None) -> OrganisationValues:
        """The organisation's fields; for an edit, only those that differ from ``changed_from``."""
        typed = {name: self.cleaned_data.get(name) or "" for name in OrganisationFields.base_fields}
        if changed_from is not None:
            typed = {name: value for name, value in typed.items() if value != changed_from[name]}
        return OrganisationValues.read(typed)


class RegistrationForm(OrganisationFields):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200,
                               help_text=_("At least 10 characters, not only digits."))

    field_order = ["full_name", "email", "password"]

    def registration(self, *, preferred_language: str) -> RegistrationInput:
        """The person and the organisation, checked together; raises ValidationFailed."""
        return RegistrationInput.parse(
            email=self.cleaned_data["email"], password=self.cleaned_data["password"],
            full_name=self.cleaned_data["full_name"], preferred_language=preferred_language,
            organisation=self.organisation_values(),
        )


class LoginForm(ServiceForm):
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)


class InvitationForm(ServiceForm):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def invitation(self) -> InvitationInput:
        return InvitationInput.parse(email=self.cleaned_data["email"], role=self.cleaned_data["role"])


class RejectionForm(ServiceForm):
    # The service checks the reason (given, not too long); the form only carries it back.
    reason = forms.CharField(label=_("Reason (the member sees it)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}))
