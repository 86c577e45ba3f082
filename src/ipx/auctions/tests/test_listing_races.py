"""A listing goes one way only, however the requests meet: while its owner accepts an offer on
it, operators adding it to auctions at the same moment either come first (and the offer is
refused) or are refused; two sessions never both get it as a lot. On PostgreSQL (real row locks
between connections): each attempt in a thread of its own, released together."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ipx.accounts.models import User
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.services import setup
from ipx.auctions.tests.scene import lot_values, new_session
from ipx.core.errors import ApplicationError
from ipx.deals.models import Deal, Offer
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.tests.conftest import make_offer
from ipx.ledger.tests.test_concurrency import run_at_once
from ipx.listings.models import Listing
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member
from ipx.testing.scenes import published_listing

ATTEMPTS = 4


def at_once(attempts: list[Callable[[], object]]) -> list[str]:
    """Every attempt in its own thread (and connection), released together: "done", the status
    of the refusal, or "error: ..." for any other failure (a deadlock, a 500)."""
    return [outcome(result) for result in run_at_once(len(attempts), lambda i: attempts[i]())]


def outcome(result: object) -> str:
    if isinstance(result, ApplicationError):
        return str(result.status)
    return f"error: {result!r}" if isinstance(result, Exception) else "done"


def adding(session: AuctionSession, listing: Listing, operator: User) -> Callable[[], object]:
    return lambda: setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk))


@pytest.mark.django_db(transaction=True)
@needs_postgres("row locks between connections")
def test_an_offer_accepted_while_operators_add_the_listing_to_auctions_sells_it_once(
        owner: Member, buyer: Member, operator: User) -> None:
    listing = published_listing(owner.organisation, owner.user, operator, offer_kinds=["transfer", "auction"])
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                 message="整体转让可以吗？")
    offer = make_offer(thread, buyer)
    sessions = [new_session(operator) for _ in range(ATTEMPTS)]

    outcomes = at_once([lambda: offers.offer_accept(offer_id=offer.pk, actor=owner.user),
                        *(adding(session, listing, operator) for session in sessions)])

    assert not [outcome for outcome in outcomes if outcome.startswith("error")], outcomes
    deals, lots = Deal.objects.filter(listing=listing).count(), Lot.objects.filter(listing=listing).count()
    assert (deals, lots) in ((1, 0), (0, 1)), outcomes
    assert outcomes.count("done") == 1, outcomes
    assert Offer.objects.get(pk=offer.pk).status == (Offer.Status.ACCEPTED if deals else Offer.Status.OPEN)


@pytest.mark.django_db(transaction=True)
@needs_postgres("row locks between connections")
def test_two_sessions_never_both_get_a_listing(owner: Member, operator: User) -> None:
    listing = published_listing(owner.organisation, owner.user, operator, offer_kinds=["transfer", "auction"])
    sessions = [new_session(operator) for _ in range(ATTEMPTS)]

    outcomes = at_once([adding(session, listing, operator) for session in sessions])

    assert sorted(outcomes) == ["400"] * (ATTEMPTS - 1) + ["done"], outcomes
    assert Lot.objects.filter(listing=listing).count() == 1
