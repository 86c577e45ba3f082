"""Django's session middleware, except that a page's background requests never clear the cookie.

Django deletes the session cookie in any response to a request whose session came up empty:
after a logout, and also when the session the cookie names is gone. The second case races
with a change of session key (logging in, passing the second factor, confirming the password
again): a live stream's reconnection or an HTMX request sent with the old key, answered after
the new key's response, would delete the new cookie and sign the person out. So a background
request (an event stream's, an HTMX one) whose session it did not itself empty leaves the
cookie alone; a page navigation still clears a cookie whose session has expired (a stale
cookie would otherwise keep its owner out of the public page cache).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def is_background(request: HttpRequest) -> bool:
    """A request a page's script makes on its own: an event stream's or an HTMX one."""
    headers = request.headers
    return "text/event-stream" in headers.get("Accept", "") or bool(headers.get("HX-Request"))


class SessionCookieMiddleware(SessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES
                and not session.modified and session.is_empty() and is_background(request)):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
