"""Pages for passwords and e-mail confirmation. Resetting is Django's token views in IPX's
templates; what follows a new password (log, mail, lockout lifted) is the service's."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import User
from ipx.accounts.passwords import services
from ipx.accounts.passwords.forms import PasswordChangeForm, ResetRequestForm
from ipx.accounts.security import lockout
from ipx.core.errors import ApplicationError

SIGNED_UP_EMAIL = "ipx_signed_up_email"


@require_GET
def registered(request: HttpRequest) -> HttpResponse:
    """After sign-up: the same page whether the address was new or had an account already."""
    return render(request, "accounts/registered.html", {"email": request.session.get(SIGNED_UP_EMAIL, "")})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, current=form.cleaned_data["current_password"],
                                     new=form.cleaned_data["new_password"], request=request)
        except lockout.TooManyAttempts:
            return lockout.refusal_response(request)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            # This browser stays signed in; every other session of the account ends.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200)


class ResetRequestView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.user
        services.password_changed(user=user, request=self.request, reset=True)
        # Whoever followed the mailed link may log in again at once, wherever they failed before.
        AxesProxyHandler.reset_attempts(username=user.email)
        return response


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """A link from the confirmation mail. Opening it only shows a button: mail scanners open
    links too, and confirming is for the person to do."""
    try:
        if request.method == "POST":
            services.email_confirm(token=token, request=request)
            messages.success(request, _("Your e-mail address is confirmed."))
            return redirect("web:my_organisation" if request.user.is_authenticated else "accounts:login")
        services.confirmation_user(token)
    except ApplicationError as exc:
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
    return render(request, "accounts/confirm_email.html", {"token": token})


@login_required
@require_POST
def resend_confirmation(request: AuthenticatedRequest) -> HttpResponse:
    services.email_confirmation_send(user=request.user)
    if request.user.email_confirmed:
        messages.info(request, _("Your e-mail address is confirmed already."))
    else:
        messages.success(request, _("We sent a new confirmation link to %(email)s.") % {"email": request.user.email})
    return redirect("web:my_organisation")
