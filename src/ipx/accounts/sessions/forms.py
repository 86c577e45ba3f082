from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import ServiceForm


class ConfirmForm(ServiceForm):
    """Who are you, again: the password, or a code of the authenticator app when there is one."""

    password = forms.CharField(label=_("Password"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = forms.CharField(label=_("Or a code from your authenticator app"), required=False, max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}))

    def __init__(self, *args: Any, with_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("password") and not data.get("code"):
            raise forms.ValidationError(_("Enter your password.") if "code" not in self.fields
                                        else _("Enter your password or a code."))
        return data
