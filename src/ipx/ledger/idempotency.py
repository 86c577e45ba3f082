"""Idempotency keys for every money-moving API call (and page form, see the end).

The client sends ``Idempotency-Key: <up to 100 characters>``. The first successful answer is
kept with a fingerprint of the request (method, path, body); the same key with the same
request returns that answer again and changes nothing; the same key with a different
request is refused with 409. Refusals (4xx) are not kept: they changed nothing, so a retry
after fixing the cause runs again.

The record is written in the same transaction as the money movement. Two concurrent
requests with one key both run, but the second cannot insert its record (unique key; on
PostgreSQL it waits for the first to commit), so its whole transaction — money included —
rolls back and it answers with the first one's result.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.errors import Conflict, ValidationFailed
from ipx.ledger.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


def _key(request: HttpRequest) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise ValidationFailed.for_field(
            HEADER, ngettext("Send an Idempotency-Key header (any unique text up to %(n)d character) with every "
                             "request that moves money, and the same key when you retry it.",
                             "Send an Idempotency-Key header (any unique text up to %(n)d characters) with every "
                             "request that moves money, and the same key when you retry it.", MAX_KEY_LENGTH)
            % {"n": MAX_KEY_LENGTH})
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed.for_field(
            HEADER, ngettext("An Idempotency-Key is printable text of at most %(n)d character.",
                             "An Idempotency-Key is printable text of at most %(n)d characters.", MAX_KEY_LENGTH)
            % {"n": MAX_KEY_LENGTH})
    return key


def _canonical_body(body: bytes) -> bytes:
    """The same JSON document whatever its key order and spacing: a client that rebuilds its
    request on retry must not be told it sent another one. Numbers keep their text (1.0 and
    1.00 are different requests, as a careful client would expect). Bodies that are not JSON
    count as they are."""
    try:
        document = json.loads(body, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, UnicodeDecodeError):
        return body
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, _canonical_body(request.body)):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


Refusal = Callable[[], IdempotencyKeyReused]


def _stored(user_id: int, key: str, fingerprint: str, *, reused: Refusal) -> tuple[int, Any] | None:
    record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise reused()
    return record.status, record.body


def _run_once(user_id: int, key: str, fingerprint: str, action: Callable[[], tuple[int, Any]], *,
              reused: Refusal) -> tuple[int, Any, bool]:
    """``(status, body, replayed)``."""
    stored = _stored(user_id, key, fingerprint, reused=reused)
    if stored is not None:
        return *stored, True
    try:
        with transaction.atomic():
            status, body = action()
            if hasattr(body, "model_dump"):  # a ninja Schema
                body = body.model_dump(mode="json")
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.create(user_id=user_id, key=key, fingerprint=fingerprint, status=status,
                                             body=body)
    except IntegrityError:
        # A concurrent request with the same key committed first; ours rolled back whole.
        stored = _stored(user_id, key, fingerprint, reused=reused)
        if stored is None:
            raise
        return *stored, True
    return status, body, False


def idempotent(request: HttpRequest, action: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Run ``action`` at most once per key and request.

    ``action`` returns ``(status, body)``: body a ninja Schema instance or JSON-able data. The
    endpoint returns ``Status(*idempotent(request, action))``.
    """
    key = _key(request)
    fingerprint = _fingerprint(request)
    user_id = request.user.pk
    if user_id is None:  # endpoints that move money require authentication first
        raise ValueError("idempotent() needs an authenticated request")
    status, body, _replayed = _run_once(user_id, key, fingerprint, action, reused=lambda: IdempotencyKeyReused(
        _("This Idempotency-Key was already used for a different request; use a new key for a new request."),
        fields={HEADER: _("Already used for a different request.")}))
    return status, body


def provider_reference_for(request: HttpRequest, kind: str) -> str:
    """Our reference for the payment provider, the same for every retry of one request, so
    that a provider with idempotency keys moves the money once even if our commit failed."""
    key = request.headers.get(HEADER, "") or request.POST.get(FORM_FIELD, "")
    digest = hashlib.sha256(f"{request.user.pk}\0{key}".encode()).hexdigest()[:32]
    return f"{kind}:{digest}"


# --- Page forms ------------------------------------------------------------------------------
#
# A money form carries a hidden key made when the page is rendered. Submitting it twice (a
# double click, a reload that re-posts) finds the first submission's record and moves no
# money again. The records are the API's, so the guarantee is the same: the record commits
# with the money, and two concurrent submissions cannot both insert it. (A nonce kept in the
# session could not give that: the session is saved after the response, outside the money's
# transaction.) Form keys are stored as "form:<key>".

FORM_FIELD = "idempotency_key"
FORM_PREFIX = "form:"
_FORM_FINGERPRINT_SKIPS = {FORM_FIELD, "csrfmiddlewaretoken"}


def new_form_key() -> str:
    return secrets.token_urlsafe(18)


def form_retry_key(value: object, *, required: bool = False, room: int = MAX_KEY_LENGTH) -> str:
    """The retry key a page's form sends in a hidden field (``idempotent_form``'s, or one a
    service takes itself: a loan instalment, a premium, a securitisation's steps), read as the
    API reads an Idempotency-Key: stripped, at most ``room`` printable characters; none is ""
    unless ``required``. Anything else (a NUL, which PostgreSQL cannot store, a control
    character, an overlong key) was not sent by our form: refused as an expired form, before
    the service runs."""
    key = ("" if value is None else str(value)).strip()
    if (required and not key) or (key and (len(key) > room or not key.isprintable())):
        raise ValidationFailed(_("This form has expired; reload the page and submit it again."))
    return key


def idempotent_form(request: HttpRequest, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ``action`` once per rendered form; returns ``(replayed, body)``.

    ``action`` returns JSON-able data describing what it did (e.g. the transaction's id); a
    replayed submission gets the first one's data back.
    """
    key = form_retry_key(request.POST.get(FORM_FIELD), required=True, room=MAX_KEY_LENGTH - len(FORM_PREFIX))
    user_id = request.user.pk
    if user_id is None:
        raise ValueError("idempotent_form() needs a signed-in user")
    digest = hashlib.sha256()
    for part in (request.method or "", request.path):
        digest.update(part.encode() + b"\0")
    for name in sorted(set(request.POST) - _FORM_FINGERPRINT_SKIPS):
        for value in request.POST.getlist(name):
            digest.update(f"{name}={value}".encode() + b"\0")
    _status, body, replayed = _run_once(
        user_id, FORM_PREFIX + key, digest.hexdigest(), lambda: (200, action()),
        reused=lambda: IdempotencyKeyReused(
            _("This form was already submitted with other values; reload the page to make a new request.")))
    return replayed, body
