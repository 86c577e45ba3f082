"""The API tokens page: a member's tokens with their scopes, expiry and last use, a form to
make one (the key is shown once) and a button to revoke each. Thin: the form builds
``tokens.TokenInput``, the services of ``accounts.tokens`` do the rest."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ipx.accounts import tokens
from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, ApiToken
from ipx.core.errors import ApplicationError
from ipx.core.forms import ServiceForm


class TokenForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100, initial="api")
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), choices=ApiToken.Scope.choices, initial=list(tokens.DEFAULT_SCOPES),
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=gettext_lazy("Read: look things up. Write: change things. Money: deposits, payouts, escrow, "
                               "accepting offers, signing and cancelling deals."))
    # Text: the days are read by TokenInput (ASCII digits only, 1 to 365), as for the API.
    expires_in_days = forms.CharField(
        label=gettext_lazy("Days until it expires"), initial=API_TOKEN_DEFAULT_DAYS, required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": API_TOKEN_MAX_DAYS}),
        help_text=gettext_lazy("At most a year (365 days)."))

    def token(self) -> tokens.TokenInput:
        # Scopes and days are the input's to check, so the page words them as the API does.
        days = self.cleaned_data.get("expires_in_days") or API_TOKEN_DEFAULT_DAYS
        return tokens.TokenInput.parse(name=self.cleaned_data["name"], scopes=self.cleaned_data["scopes"],
                                       expires_in_days=days)


@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and request.POST.get("revoke"):
        token_id = request.POST["revoke"]
        try:
            # An id beyond any row (or the database's integers) is no token either.
            if not (token_id.isascii() and token_id.isdigit() and len(token_id) <= 18):
                raise ValueError(token_id)
            tokens.api_token_revoke(user=request.user, token_id=int(token_id))
            messages.success(request, _("Token revoked."))
        except (ApplicationError, ValueError):
            messages.error(request, _("No such token."))
        return redirect("accounts:tokens")
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = tokens.api_token_create(user=request.user, token=form.token())
        except ApplicationError as exc:
            form.add_service_error(exc)
    return render(request, "accounts/tokens.html", {
        "form": form, "new_key": new_key, "tokens": tokens.tokens_of(request.user),
    })
