"""The API's auctions: a lot as the hall shows it, its bids, placing a bid, and a session's
results.

A lot of an announced, live or finished session is public, and so are a finished session's
results; a session being prepared (and its lots) exists for operators only (404 to everyone
else); a running session's results are the operators' until it finishes (403 to the others,
who know the session exists). Only admitted bidders bid: in the world, home is admitted to the
live session, so its member, signatory and administrator bid on the counterparty's open lot,
and nobody bids on a lot of their own organisation's.
"""

from __future__ import annotations

from collections.abc import Callable

from ipx.testing.access_world import AccessWorld

from .matrix import BINDING, CONFLICT, DENY, HIDE, HOME, LOGIN, OK, PUBLIC, Entry, const, every, ids


def auction(name: str) -> Callable[[AccessWorld], object]:
    """The id of one of the world's auction objects (``ipx.testing.auction_world``)."""
    return lambda world: getattr(world.auctions, name).pk


OPEN_LOT = ids(lot_id=auction("open_lot"))
# Home won it; its settlement awaits payment, the contract not signed yet.
WON_LOT = ids(lot_id=auction("won_lot"))
DRAFT_LOT = ids(lot_id=auction("draft_lot"))
# What only operators see: a session being prepared and its lots.
OPERATORS_SEE = every(HIDE, operator=OK)
# A bid binds the organisation to buy and holds its deposit: those who may commit it.
BIDDERS = every(DENY, anonymous=LOGIN, **BINDING)
BID = const({"amount": "100000", "currency": "CNY"})

ENTRIES = [
    Entry("/api/v1/auctions/lots/{lot_id}", "GET", PUBLIC, args=OPEN_LOT),
    Entry("/api/v1/auctions/lots/{lot_id}", "GET", OPERATORS_SEE, args=DRAFT_LOT, variant="draft"),
    Entry("/api/v1/auctions/lots/{lot_id}/bids", "GET", PUBLIC, args=ids(lot_id=auction("sold_lot"))),
    Entry("/api/v1/auctions/lots/{lot_id}/bids", "GET", OPERATORS_SEE, args=DRAFT_LOT, variant="draft"),
    Entry("/api/v1/auctions/lots/{lot_id}/bids", "POST", BIDDERS, args=OPEN_LOT, body=BID),
    Entry(
        "/api/v1/auctions/lots/{lot_id}/bids",
        "POST",
        every(DENY, anonymous=LOGIN),
        args=ids(lot_id=auction("own_lot")),
        body=BID,
        variant="own lot",
        note="home is admitted, but the lot is its own listing's",
    ),
    Entry(
        "/api/v1/auctions/lots/{lot_id}/bids",
        "POST",
        every(HIDE, anonymous=LOGIN),
        args=DRAFT_LOT,
        body=BID,
        variant="draft",
        note="nobody bids before the session is announced; the draft stays unknown",
    ),
    Entry("/api/v1/auctions/sessions/{session_id}/results", "GET", PUBLIC,
          args=ids(session_id=auction("finished"))),
    Entry(
        "/api/v1/auctions/sessions/{session_id}/results",
        "GET",
        every(DENY, operator=OK),
        args=ids(session_id=auction("live")),
        variant="live",
        note="the session is public; its figures are provisional until it finishes",
    ),
    Entry("/api/v1/auctions/sessions/{session_id}/results", "GET", OPERATORS_SEE,
          args=ids(session_id=auction("draft")), variant="draft"),
    # A settlement is its buyer's, the seller's and the operators'; to anyone else it does not exist.
    Entry("/api/v1/auctions/lots/{lot_id}/settlement", "GET", every(HIDE, anonymous=LOGIN, operator=OK, **HOME),
          args=WON_LOT),
    Entry("/api/v1/auctions/lots/{lot_id}/settlement/pay", "POST",
          every(HIDE, anonymous=LOGIN, member=DENY, signatory=CONFLICT, admin=CONFLICT, operator=DENY),
          args=WON_LOT, note="paying commits the buyer: its signatories, once the contract is signed (409 before)"),
    Entry("/api/v1/auctions/lots/{lot_id}/settlement/accept", "POST",
          every(HIDE, anonymous=LOGIN, member=DENY, signatory=CONFLICT, admin=CONFLICT, operator=DENY),
          args=WON_LOT, note="only a lot offered to the runner-up is accepted"),
    Entry("/api/v1/auctions/lots/{lot_id}/settlement/decline", "POST",
          every(HIDE, anonymous=LOGIN, member=DENY, signatory=CONFLICT, admin=CONFLICT, operator=DENY),
          args=WON_LOT, body=const({"reason": ""}), note="only a lot offered to the runner-up is declined"),
    Entry("/api/v1/auctions/lots/{lot_id}/runner-up", "POST", every(DENY, anonymous=LOGIN, operator=CONFLICT),
          args=WON_LOT, body=const({"reason": "买受人未付款。"}),
          note="operators only, once the buyer forfeited; here the buyer still has time to pay"),
]
