"""Nothing before the second factor: a signed-in person who has an authenticator app passes
it after the password, and one of whom the exchange requires it (``policy``) sets it up
first. Until then every page sends them there (and back afterwards) and every API request
made with the session is refused with 403 and what to do. The Django admin is no exception.

Requests signed with an API token carry no session user and are not held here: tokens are
made by a session that passed this check, and step-up asks for a code on each payout and
signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ipx.accounts.mfa.state import step_pending
from ipx.core.errors import PermissionDenied

# Where a person may go before passing the second factor: the steps of passing or setting it
# up (and confirming the password for that), logging in again or out, choosing a language.
OPEN_VIEWS = frozenset({
    "accounts:mfa:verify", "accounts:mfa:enrol", "accounts:mfa:qr", "accounts:sessions:confirm",
    "accounts:login", "accounts:logout", "web:language", "set_language",
})


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...],
                     kwargs: dict[str, Any]) -> HttpResponse | None:
        step = step_pending(request)
        if step is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if step == "verify":
            refusal = PermissionDenied(_("Confirm your login with a code from your authenticator app first."),
                                       code="second_factor_required")
        else:
            refusal = PermissionDenied(_("Your account needs a second factor: set up an authenticator app "
                                         "before anything else."), code="second_factor_enrolment_required")
        if request.path.startswith("/api/"):
            return JsonResponse(refusal.as_dict(), status=refusal.status)
        target = reverse(f"accounts:mfa:{step}")
        if request.method in ("GET", "HEAD"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
