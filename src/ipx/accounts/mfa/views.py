"""Second-factor pages: the overview, setting up an authenticator app (QR code and key, then a
code to prove it), passing the second factor after the password or before a payout or a
signature, new recovery codes and turning the second factor off."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.mfa import devices
from ipx.accounts.mfa.forms import CodeForm
from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.mfa.recovery import RecoveryCodes
from ipx.accounts.mfa.state import forget, is_verified, mark_verified
from ipx.accounts.sessions.reauth import require_recent_authentication
from ipx.core.errors import ApplicationError, NotFound
from ipx.core.redirects import local_url

# The key being set up lives in the session until a code proves the app holds it.
PENDING_KEY = "ipx_mfa_pending_key"
# Recovery codes running low: the person is told after using one.
FEW_CODES_LEFT = 3


def _next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _after(request: HttpRequest, next_url: str) -> str:
    return local_url(request, next_url, reverse("web:my_organisation"))


@login_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(request, "accounts/mfa/overview.html", {
        "authenticator": devices.authenticator_of(user),
        "required": second_factor_required(user),
        "codes_left": devices.recovery_codes_left(user),
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@require_recent_authentication
def enrol(request: AuthenticatedRequest) -> HttpResponse:
    next_url = _next(request)
    if devices.has_second_factor(request.user):
        messages.info(request, _("An authenticator app is already set up."))
        return redirect("accounts:mfa:overview")
    key = request.session.get(PENDING_KEY) or devices.new_secret()
    request.session[PENDING_KEY] = key
    form = CodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = devices.authenticator_enrol(user=request.user, key=key, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            del request.session[PENDING_KEY]
            mark_verified(request, device)
            return _codes_page(request, codes, next_url=_after(request, next_url))
    return render(request, "accounts/mfa/enrol.html", {
        "form": form, "next": next_url, "secret": devices.secret_for_typing(key),
        "required": second_factor_required(request.user),
    }, status=400 if form.errors else 200)


@never_cache
@login_required
@require_GET
def qr(request: AuthenticatedRequest) -> HttpResponse:
    """The QR code of the key being set up, drawn here (no outside service sees the key)."""
    key = request.session.get(PENDING_KEY)
    if not key:
        raise NotFound(_("Nothing is being set up."))
    image = io.BytesIO()
    segno.make(devices.provisioning_uri(request.user, key), error="m").save(
        image, kind="svg", scale=5, border=2, xmldecl=False, title=_("QR code for your authenticator app"))
    return HttpResponse(image.getvalue(), content_type="image/svg+xml")


def _codes_page(request: HttpRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    response = render(request, "accounts/mfa/recovery_codes.html", {"codes": codes, "next": next_url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of logging in, and the confirmation asked before a payout or a signature."""
    next_url = _next(request)
    if not devices.has_second_factor(request.user):
        target = reverse("accounts:mfa:enrol")
        return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = devices.second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            mark_verified(request, device)
            if isinstance(device, RecoveryCodes):
                _warn_codes_left(request, devices.recovery_codes_left(request.user))
            return redirect(_after(request, next_url))
    return render(request, "accounts/mfa/verify.html", {
        "form": form, "next": next_url, "logging_in": not is_verified(request),
    }, status=400 if form.errors else 200)


def _warn_codes_left(request: HttpRequest, left: int) -> None:
    if left <= FEW_CODES_LEFT:
        messages.warning(request, _("You used a recovery code; %(left)d are left. Make new ones on the "
                                    "security page.") % {"left": left})


@never_cache
@login_required
@require_POST
@require_recent_authentication(back="accounts:mfa:overview")
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not devices.has_second_factor(request.user):
        return redirect("accounts:mfa:overview")
    codes = devices.recovery_codes_replace(user=request.user)
    return _codes_page(request, codes, next_url=reverse("accounts:mfa:overview"))


@login_required
@require_http_methods(["GET", "POST"])
@require_recent_authentication(back="accounts:mfa:overview")
def disable(request: AuthenticatedRequest) -> HttpResponse:
    if not devices.has_second_factor(request.user):
        return redirect("accounts:mfa:overview")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            devices.second_factor_disable(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            forget(request)
            messages.success(request, _("The second factor is turned off."))
            return redirect("accounts:mfa:overview")
    context: dict[str, Any] = {"form": form, "required": second_factor_required(request.user)}
    return render(request, "accounts/mfa/disable.html", context, status=400 if form.errors else 200)
