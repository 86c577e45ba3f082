"""``require_recent_authentication``: a sensitive change only by whoever proved, moments ago,
that they are the account's owner.

A session left open on a shared computer, or taken over, must not be enough to turn off the
second factor, print new recovery codes or end the owner's other sessions. A view wrapped in
it runs only when the session's password or second-factor code was confirmed within the
last ``IPX_REAUTH_MINUTES`` (5); otherwise the person is sent to confirm it (password, or a
code when they have an authenticator app) and back. Use under ``login_required``::

    @login_required
    @require_POST
    @require_recent_authentication(back="accounts:mfa:overview")
    def recovery_codes(request): ...

``back`` names the page to return to after a refused POST (whose address cannot be
re-visited with GET); a GET comes back to its own address. Under ``/api/`` it answers 403
``reauthentication_required`` instead of a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ipx.accounts.sessions.recent import authenticated_within
from ipx.core.errors import PermissionDenied
from ipx.core.redirects import local_url

View = TypeVar("View", bound=Callable[..., HttpResponse])


def reauthentication_needed(request: HttpRequest) -> bool:
    return not authenticated_within(request, int(settings.IPX_REAUTH_MINUTES))


@overload
def require_recent_authentication(view: View, *, back: str | None = None) -> View: ...


@overload
def require_recent_authentication(view: None = None, *, back: str | None = None) -> Callable[[View], View]: ...


def require_recent_authentication(view: View | None = None, *, back: str | None = None) -> Any:
    def decorate(function: View) -> View:
        @wraps(function)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not reauthentication_needed(request):
                return function(request, *args, **kwargs)
            if request.path.startswith("/api/"):
                raise PermissionDenied(_("Confirm your password again before this change."),
                                       code="reauthentication_required")
            if request.method in ("GET", "HEAD"):
                next_url = request.get_full_path()
            else:
                fallback = reverse(back) if back else reverse("web:my_organisation")
                next_url = local_url(request, request.headers.get("Referer"), fallback)
            messages.info(request, _("Confirm it is you before this change."))
            return HttpResponseRedirect(f"{reverse('accounts:sessions:confirm')}?{urlencode({'next': next_url})}")

        return wrapped  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate
