"""Step-up: a second factor passed moments ago before money leaves the exchange (payouts) and
before an organisation is bound by a contract (signing).

The rule is the same for everyone: these two steps need an authenticator app, set up and
passed within ``IPX_STEP_UP_MINUTES`` (pages) or a current code sent with the request in the
``X-IPX-OTP`` header (the API, by session or by token). Whoever has none is asked to set one
up first. The check applies only to whom the step would otherwise admit: everyone else hears
the step's own refusal, not a question about their second factor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import HeaderEx, P

from ipx.accounts.mfa.devices import has_second_factor, second_factor_verify
from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.mfa.state import verified_within
from ipx.accounts.models import Membership, User
from ipx.core.errors import PermissionDenied, ValidationFailed

HEADER = "X-IPX-OTP"

StepUpCode = HeaderEx[str | None, P(
    alias=HEADER, default=None, max_length=32,
    description="A current code of the caller's authenticator app (or one of their recovery codes). Payouts "
                "and signing a contract need it: without it, 403 `step_up_required`; a wrong or used code, 403 "
                "`step_up_failed`.")]


class StepUpRequired(PermissionDenied):
    code = "step_up_required"


class StepUpFailed(PermissionDenied):
    code = "step_up_failed"


def _enrol_first() -> str:
    return _("Payouts and signing a contract need a second factor: set up an authenticator app first.")


def step_up_page(request: HttpRequest, *, back: str, applies: bool = True) -> HttpResponse | None:
    """None when the page's step may go ahead; else a redirect to set up or confirm the second
    factor, which then sends the person ``back`` (the page the step's form is on)."""
    if not applies:
        return None
    if not has_second_factor(request.user):
        messages.info(request, _enrol_first())
        return _go(request, "accounts:mfa:enrol", back)
    if verified_within(request, settings.IPX_STEP_UP_MINUTES):
        return None
    messages.info(request, _("Confirm with a code from your authenticator app, then send the form again."))
    return _go(request, "accounts:mfa:verify", back)


def _go(request: HttpRequest, name: str, back: str) -> HttpResponse:
    target = f"{reverse(name)}?{urlencode({'next': back})}"
    if request.headers.get("HX-Request"):
        # HTMX would swap the confirmation page into the deal's fragment: have it navigate instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def step_up_api(user: User, code: str | None, *, applies: bool = True) -> None:
    """Refuse (403) unless ``code`` is a current code of ``user``'s authenticator app; the code
    is spent, so a retry needs the next one."""
    if not applies:
        return
    if not has_second_factor(user):
        raise StepUpRequired(_enrol_first())
    if not code:
        raise StepUpRequired(_("Send a current code of your authenticator app in the X-IPX-OTP header."))
    try:
        second_factor_verify(user=user, code=code)
    except ValidationFailed as exc:
        raise StepUpFailed(exc.fields.get("code") or exc.message) from None


def may_commit(user: User, organisation_id: int) -> bool:
    """Whether ``user`` administers ``organisation_id`` or is named its signatory: whom a
    payout or a signature for it may admit, so whom the step-up is asked of. Wider rather
    than narrower than the services' own rule, so that no one they admit skips it."""
    return Membership.objects.filter(user=user, organisation_id=organisation_id).filter(
        Q(role=Membership.Role.ADMIN) | Q(is_signatory=True)).exists()


def require_second_factor_with_password(user: User, code: str | None) -> None:
    """For an endpoint that trades a password for a credential (``POST /auth/token``): whoever
    has an authenticator app, or must have one, sends a current code with the password (in
    ``X-IPX-OTP``), or a token would be a way around the second factor."""
    if has_second_factor(user):
        step_up_api(user, code)
    elif second_factor_required(user):
        raise StepUpRequired(_("Your account needs a second factor: set up an authenticator app before anything "
                               "else."))
