"""The one field every second-factor page asks for: a code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import ServiceForm


class CodeForm(ServiceForm):
    code = forms.CharField(label=_("Code"), max_length=40, strip=True)

    def __init__(self, *args: Any, recovery: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["code"].widget
        widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"})
        if recovery:
            self.fields["code"].help_text = _("The 6 digits your authenticator app shows, or one of your "
                                              "recovery codes.")
        else:
            widget.attrs["inputmode"] = "numeric"
            self.fields["code"].help_text = _("The 6 digits your authenticator app shows.")
