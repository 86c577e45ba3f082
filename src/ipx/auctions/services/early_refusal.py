"""Refusing a stale bid before the lot's lock, with the answer the locked path would give.

Under load nearly every bid is refused as below the minimum (200 bidders race for each step).
A bid below a minimum the lot has already reached is refused from an unlocked read of the lot:
the minimum only rises, so the locked path (``ipx.auctions.services.bidding``) would refuse it
too, with the same answer. Everything else — the leader's own lead and maximum, a retry with
its key (answered as the first time), closed, paused or unknown lots, bad input, a bidder who
is not plainly admitted — is left to the locked path.

Two ways in, one decision (``_stale``):

- ``refuse_stale``: inside a request Django has authenticated (the page form, and the API when
  a bid gets past the gate below); two reads, the lot and the actor's registrations.
- ``stale_refusal_for_token``: for the API's gate in front of Django's request handling
  (``ipx.api.stale_bids``), one read from the token's key: the token, its user's registrations
  in the lot's session with whether one holds a receipt for the key, and the lot. On PostgreSQL
  each statement costs the database server about 0.1–0.4 ms of CPU on the two shared cores, and
  the three reads of the other way in (token, lot, registrations) set the rate there.

The reads are prepared queries (``ipx.core.prepared``): the ORM's compiling them cost more
than the rest of a refusal. Figures: BENCHMARKS.md, "Auctions".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ipx.accounts.models import ApiToken, Organisation, User
from ipx.auctions.inputs import BidValues
from ipx.auctions.models import BidReceipt, Lot, Registration
from ipx.auctions.rules import BidAttempt, BidRefused, apply_bid
from ipx.auctions.services import bid_checks as checks
from ipx.core.errors import ApplicationError
from ipx.core.prepared import PreparedQuery, field_paths, instance

LOT_COLUMNS = {"id", "session_id", "status", "opens_at", "closes_at", "hard_end", "soft_close_minutes",
               "starting_price", "price", "leader_id", "leader_max", "last_seq", "reserve_price", "increments"}
# Each registration as the decision reads it: id, organisation, status, the organisation's
# status, and whether it holds a receipt for the bid's key (a retry).
_REGISTRATION = ("pk", "organisation_id", "status", "organisation__status", "has_receipt")
_LOT = PreparedQuery(lambda p: Lot.objects.filter(pk=p.int("lot")).order_by().values_list(
    *field_paths(Lot, only=LOT_COLUMNS), "session__status", "session__currency", "listing__organisation_id"))
_REGISTRATIONS = PreparedQuery(lambda p: Registration.objects.filter(
    session_id=p.int("session"), organisation__memberships__user_id=p.int("user")).annotate(
    has_receipt=Exists(BidReceipt.objects.filter(registration=OuterRef("pk"), key=p.str("key"))),
).order_by().values_list(*_REGISTRATION))

TOKEN_COLUMNS = {"id", "user_id", "scopes", "created_at", "expires_at", "last_used_at"}
_TOKEN_PATH = "organisation__memberships__user__api_tokens__"  # noqa: S105 - a lookup path, no secret
# One row per registration of the token's user in the lot's session; no row when there is none
# (the gate then leaves the bid to the request's own handling, which says why).
_BY_TOKEN = PreparedQuery(lambda p: Registration.objects.filter(**{
    f"{_TOKEN_PATH}key_hash": p.str("key_hash"), "session__lots__id": p.int("lot")}).annotate(
    has_receipt=Exists(BidReceipt.objects.filter(registration=OuterRef("pk"), key=p.str("key"))),
).order_by().values_list(
    *_REGISTRATION, *field_paths(Lot, "session__lots__", only=LOT_COLUMNS), "session__status", "session__currency",
    "session__lots__listing__organisation_id", *field_paths(ApiToken, _TOKEN_PATH, only=TOKEN_COLUMNS),
    "organisation__memberships__user__is_active"), on_server=True)


@dataclass(frozen=True)
class _LotSeen:
    lot: Lot
    session_status: str
    currency: str
    seller_id: int


def _lot_seen(row: Sequence[Any]) -> _LotSeen:
    columns = len(LOT_COLUMNS)
    session_status, currency, seller_id = row[columns:columns + 3]
    return _LotSeen(instance(Lot, row[:columns], only=LOT_COLUMNS), session_status, currency, seller_id)


def _stale(seen: _LotSeen, registrations: Sequence[Sequence[Any]], values: BidValues) -> ApplicationError | None:
    """The locked path's refusal of a bid below a minimum the lot has reached, or None when
    the bid is anything else (left to the locked path)."""
    lot, now = seen.lot, timezone.now()
    try:
        amount, maximum, _key = checks.read_values(values, seen.session_status, seen.currency)
        checks.check_open(lot, now)
    except ApplicationError:
        return None
    wanted = checks.wanted_organisation(values.organisation_id)
    admitted = [row for row in registrations
                if row[2] == Registration.Status.ADMITTED and wanted in (None, row[1])]
    if len(admitted) != 1:
        return None
    registration_id, organisation_id, _status, organisation_status, has_receipt = admitted[0]
    if (organisation_status != Organisation.Status.VERIFIED or has_receipt or registration_id == lot.leader_id
            or organisation_id == seen.seller_id):
        return None  # refused or answered under the lock, as a retry's first answer is
    try:
        apply_bid(checks.lot_state(lot), checks.increment_table(lot), BidAttempt(
            bidder=registration_id, amount=amount, maximum=maximum, at=now))
    except BidRefused as refused:
        if refused.code == "below_minimum":
            return checks.refusal(refused, lot)
    return None


def refuse_stale(actor: User, lot_id: int, values: BidValues) -> None:
    """Raise the locked path's refusal of a stale bid by an authenticated actor; return when
    the bid is anything else."""
    if not isinstance(lot_id, int):
        return
    found = _LOT.rows(lot=lot_id)
    if not found:
        return
    seen = _lot_seen(found[0])
    try:
        key = checks.bid_key(values.key)
    except ApplicationError:
        return
    error = _stale(seen, _REGISTRATIONS.rows(session=seen.lot.session_id, user=actor.pk, key=key), values)
    if error is not None:
        raise error


@dataclass(frozen=True)
class TokenRefusal:
    """A stale bid's refusal and the token it came with (its user's ``is_active`` beside it):
    the gate answers only for a token that would have passed the API's authentication."""

    token: ApiToken
    user_is_active: bool
    error: ApplicationError


def stale_refusal_for_token(key_hash: str, lot_id: int, values: BidValues) -> TokenRefusal | None:
    """``refuse_stale`` for the token whose key hashes to ``key_hash``, from one read; None
    when the bid is anything else, or the token or its user has no registration to decide on."""
    try:
        key = checks.bid_key(values.key)
    except ApplicationError:
        return None
    rows = _BY_TOKEN.rows(key_hash=key_hash, lot=lot_id, key=key)
    if not rows:
        return None
    width, lot_end = len(_REGISTRATION), len(_REGISTRATION) + len(LOT_COLUMNS) + 3
    error = _stale(_lot_seen(rows[0][width:lot_end]), [row[:width] for row in rows], values)
    if error is None:
        return None
    token = instance(ApiToken, rows[0][lot_end:-1], only=TOKEN_COLUMNS)
    return TokenRefusal(token=token, user_is_active=bool(rows[0][-1]), error=error)
