"""Page forms for passwords. The reset request is Django's form, whose sending is handed to the
service (mailed after commit through the project's mail helper, in the owner's language)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ipx.accounts.passwords import services
from ipx.core.forms import ServiceForm


class PasswordChangeForm(ServiceForm):
    current_password = forms.CharField(label=_("Current password"), max_length=200,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label=_("New password"), max_length=200,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text=_("At least 10 characters, not only digits."))
    new_password_again = forms.CharField(label=_("New password again"), max_length=200,
                                         widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password_again"):
            raise ValidationError({"new_password_again": _("The two new passwords differ.")})
        return cleaned


class ResetRequestForm(PasswordResetForm):
    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's view passes its mail settings; the service words and sends the mail itself.
        services.password_reset_request(email=self.cleaned_data["email"], request=kwargs.get("request"))
