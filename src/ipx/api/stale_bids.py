"""The API's gate for stale bids: a bid below a minimum its lot has already reached, sent with an
API token, is refused before Django's request handling goes further, with the answer the bid
endpoint would give.

Under load nearly every bid is such a bid (200 bidders race for each step of the price), and on
PostgreSQL the endpoint's three reads — the token, the lot, the bidder's registrations — each a
statement the database server spends CPU on, set the rate. The gate decides from one read
(``ipx.auctions.services.early_refusal.stale_refusal_for_token``) and answers only when every
step the endpoint would take agrees: the request is a plain JSON bid with a valid
Idempotency-Key (validated by the endpoint's own schema), the token would authenticate it (an
active user, not expired, the scope the endpoint needs) and the rules refuse it as below the
minimum. Anything else — another request, bad input, a session cookie, a missing or weak token,
a retry, the leader's own bid, a lot not open — goes on to the endpoint, which answers it as
always. It sits after the middleware that checks the host and sets the headers and the
language, so its answers carry the same ones, and before those that only act for a signed-in
session (CSRF, the session's user, its second factor and idleness, the sign-in lockout): a
bid the gate answers has no session cookie. Skipping them took a tenth to a fifth off a
refused bid's cost (BENCHMARKS.md, "Auctions").

The gate's read is also the request's check of its database connection: Django would first
send a query of its own (``CONN_HEALTH_CHECKS``) to see that a connection kept from an earlier
request still works, a round trip and the database's time for every bid. When the read finds
the connection broken, the gate closes it and hands the bid to the endpoint, which connects
again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Annotated, Protocol, cast

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from pydantic import Field, TypeAdapter, ValidationError

from ipx.accounts.api_scopes import scope_for
from ipx.accounts.models import ApiToken
from ipx.accounts.tokens import note_use
from ipx.api.api import api
from ipx.auctions.api import BidIn
from ipx.auctions.inputs import BidValues
from ipx.auctions.services.early_refusal import TokenRefusal, stale_refusal_for_token
from ipx.core.api.types import IDEMPOTENCY_KEY
from ipx.core.ids import MAX_ID
from ipx.ledger.idempotency import HEADER

BID_PATH = re.compile(r"/api/v1/auctions/lots/([1-9][0-9]{0,15})/bids")
# The endpoint's bound for its Idempotency-Key header (its lot's id: ``MAX_ID``, as ``Id``).
_IDEMPOTENCY_KEY: TypeAdapter[str] = TypeAdapter(Annotated[str, Field(pattern=IDEMPOTENCY_KEY)])
SCOPE = scope_for("POST", ("POST", "/auctions/lots/{lot_id}/bids"))


class StaleBidsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = refusal(request)
        return answer if answer is not None else self.get_response(request)


def _bearer_key(request: HttpRequest) -> str | None:
    """The token's key as the API's bearer authentication reads the header."""
    parts = (request.headers.get("Authorization") or "").split(" ")
    return " ".join(parts[1:]) if parts[0].lower() == "bearer" else None


def _bid(request: HttpRequest) -> BidValues | None:
    """The bid the endpoint's schema reads from the request, or None when it would refuse it."""
    try:
        _IDEMPOTENCY_KEY.validate_python(request.headers.get(HEADER))
        payload = BidIn.model_validate(json.loads(request.body))
    except (ValueError, RecursionError, ValidationError):  # json: ValueError, or too deeply nested
        return None
    return BidValues(amount=payload.amount, maximum=payload.maximum, currency=payload.currency,
                     organisation_id=payload.organisation_id, key=request.headers[HEADER])


class HealthCheckFlags(Protocol):
    """Django's flags on a connection for its check before a request's first query (not in
    django-stubs' types)."""

    health_check_enabled: bool
    health_check_done: bool


def _checking_connection(read: Callable[[], TokenRefusal | None]) -> TokenRefusal | None:
    """``read()``, standing for Django's check of a connection kept from an earlier request."""
    connection = connections[DEFAULT_DB_ALIAS]
    flags = cast(HealthCheckFlags, connection)
    if connection.connection is None or not flags.health_check_enabled or flags.health_check_done:
        return read()
    flags.health_check_done = True
    try:
        return read()
    except (InterfaceError, OperationalError):
        connection.close()
        return None


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The endpoint's refusal of a stale bid sent with an API token, or None."""
    if request.method != "POST" or request.META.get("QUERY_STRING") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    path = BID_PATH.fullmatch(request.path_info)
    lot_id = int(path[1]) if path else 0
    key = _bearer_key(request)
    if not 0 < lot_id <= MAX_ID or not key or request.content_type != "application/json":
        return None
    values = _bid(request)
    if values is None:
        return None
    refused = _checking_connection(lambda: stale_refusal_for_token(ApiToken.hash_key(key), lot_id, values))
    if refused is None or not refused.user_is_active or refused.token.is_expired or not refused.token.has_scope(SCOPE):
        return None
    note_use(refused.token)
    # The endpoint's answer depends on whether the session signs someone in (its
    # authentication falls back to the session), so it varies with the cookie: looking at the
    # session, empty without one, has SessionMiddleware say so as the endpoint's user lookup does.
    request.session.get(SESSION_KEY)
    return api.create_response(request, refused.error.as_dict(), status=refused.error.status)
