"""Bidders: a verified organisation applies to bid in an announced session; an operator admits
it (giving it the bidder number other bidders see instead of its name) or refuses it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, binds
from ipx.auctions.models import AuctionSession, Registration
from ipx.auctions.services.setup import _reason
from ipx.auctions.workflow import REGISTRATION, SESSION
from ipx.core.errors import Conflict, NotFound, PermissionDenied
from ipx.notifications.services import notify


@transaction.atomic
def registration_apply(*, actor: User, session_id: int, organisation_id: int) -> Registration:
    organisation = access_organisation(actor, organisation_id)
    if not binds(actor, organisation.pk):  # a bid commits the organisation to buy and holds its deposit
        raise PermissionDenied(_("Only an administrator or a signatory of %(name)s may register it to bid.")
                               % {"name": organisation.name}, code="not_signatory")
    if not organisation.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; it can bid once the operator has verified it.")
                               % {"name": organisation.name})
    session = SESSION.lock(session_id)
    if session.status == AuctionSession.Status.DRAFT:  # not public yet
        raise NotFound(_("No such auction session."))
    if session.status != AuctionSession.Status.SCHEDULED:
        raise Conflict(_("Registration for this session has closed: it is %(status)s.")
                       % {"status": session.get_status_display()})
    if session.lots.filter(listing__organisation=organisation).exists() and not session.lots.exclude(
            listing__organisation=organisation).exists():
        raise Conflict(_("Every lot of this session is your own organisation's."))
    try:
        with transaction.atomic():
            registration = Registration.objects.create(session=session, organisation=organisation, applied_by=actor)
    except IntegrityError:
        raise Conflict(_("%(name)s has already applied to bid in this session.") % {"name": organisation.name}) \
            from None
    REGISTRATION.record(registration, "applied", actor=actor, acting_for=organisation)
    return registration


@transaction.atomic
def registration_admit(*, operator: User, registration_id: int) -> Registration:
    REGISTRATION.admit("admit", None, operator)
    registration = REGISTRATION.lock(registration_id, related=("session", "organisation"))
    # The session's row serialises admissions: two at once never take the same number.
    session = SESSION.lock(registration.session_id)
    if session.status not in (AuctionSession.Status.SCHEDULED, AuctionSession.Status.LIVE):
        raise Conflict(_("Bidders are admitted while the session is announced or live."))
    if registration.bidder_number is None:
        top = Registration.objects.filter(session=registration.session).aggregate(top=Max("bidder_number"))["top"]
        registration.bidder_number = (top or 100) + 1
    REGISTRATION.transition(registration, "admit", actor=operator, fields=("bidder_number",),
                            params={"number": registration.bidder_number})
    _tell(registration.organisation, "auction.admitted", registration)
    return registration


@transaction.atomic
def registration_refuse(*, operator: User, registration_id: int, reason: str) -> Registration:
    REGISTRATION.admit("refuse", None, operator)
    reason = _reason(reason)
    registration = REGISTRATION.lock(registration_id, related=("session", "organisation"))
    REGISTRATION.transition(registration, "refuse", actor=operator, note=reason)
    _tell(registration.organisation, "auction.refused", registration, reason=reason)
    return registration


def _tell(organisation: Organisation, verb: str, registration: Registration, **params: object) -> None:
    notify(verb=verb, organisations=[organisation], url=f"/auctions/{registration.session_id}/",
           params={"session": registration.session.title, "number": registration.bidder_number, **params})
