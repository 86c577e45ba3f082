"""Session pages: where I am signed in (ending one or all the others), and confirming who I
am before a sensitive change."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.mfa.devices import has_second_factor, second_factor_verify
from ipx.accounts.mfa.state import mark_verified
from ipx.accounts.sessions import services
from ipx.accounts.sessions.forms import ConfirmForm
from ipx.accounts.sessions.middleware import idle_minutes
from ipx.accounts.sessions.models import UserSession
from ipx.accounts.sessions.reauth import require_recent_authentication
from ipx.accounts.sessions.recent import mark_authenticated
from ipx.core.errors import ApplicationError, ValidationFailed
from ipx.core.redirects import local_url

logger = logging.getLogger("ipx.security")

# Wrong passwords in a row on the confirmation page before the session is ended: whoever
# holds the session without knowing the password does not get to guess on.
CONFIRM_ATTEMPTS = 5
_FAILURES = "ipx_confirm_failures"


@login_required
@require_GET
def session_list(request: AuthenticatedRequest) -> HttpResponse:
    current = request.session.get(services.RECORD)
    # A session idle past its limit is over even if no request came to end its row.
    alive_since = timezone.now() - timedelta(minutes=idle_minutes(request.user))
    sessions = (UserSession.objects.filter(user=request.user, ended_at__isnull=True, last_seen_at__gte=alive_since)
                .order_by("-last_seen_at", "-pk"))
    return render(request, "accounts/sessions/list.html", {"sessions": sessions, "current": current})


@login_required
@require_POST
@require_recent_authentication(back="accounts:sessions:list")
def revoke(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    try:
        services.session_revoke(user=request.user, session_id=session_id,
                                current_id=request.session.get(services.RECORD))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The session is ended."))
    return redirect("accounts:sessions:list")


@login_required
@require_POST
@require_recent_authentication(back="accounts:sessions:list")
def revoke_others(request: AuthenticatedRequest) -> HttpResponse:
    ended = services.sessions_revoke_others(user=request.user, current_id=request.session.get(services.RECORD))
    messages.success(request, ngettext("%(count)d other session is ended.", "%(count)d other sessions are ended.",
                                       ended) % {"count": ended})
    return redirect("accounts:sessions:list")


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: AuthenticatedRequest) -> HttpResponse:
    """The password (or a code) again, then back to the change that asked for it."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = ConfirmForm(request.POST or None, with_code=has_second_factor(request.user))
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data.get("code")
        try:
            if code:
                mark_verified(request, second_factor_verify(user=request.user, code=code))
            else:
                _check_password(request, form.cleaned_data["password"])
        except ApplicationError as exc:
            form.add_service_error(exc)
            failures = request.session.get(_FAILURES, 0) + 1
            request.session[_FAILURES] = failures
            if failures >= CONFIRM_ATTEMPTS:
                logger.warning("session ended after failed confirmations", extra={"user_id": request.user.pk})
                logout(request)
                messages.error(request, _("Too many wrong attempts: you were logged out."))
                return redirect("accounts:login")
        else:
            request.session.pop(_FAILURES, None)
            return redirect(local_url(request, next_url, reverse("accounts:sessions:list")))
    return render(request, "accounts/sessions/confirm.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


def _check_password(request: AuthenticatedRequest, password: str) -> None:
    # authenticate(), not check_password(): login throttling and its records see these tries too.
    user = authenticate(request, username=request.user.email, password=password)
    if user is None or user.pk != request.user.pk:
        raise ValidationFailed.for_field("password", _("The password is wrong."), code="wrong_password")
    mark_authenticated(request)
