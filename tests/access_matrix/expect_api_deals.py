"""The API's negotiations (threads, messages, offers) and deals.

A negotiation or a deal exists only for its two parties, the agencies acting for them and
operators: everyone else hears 404. Within it, members negotiate (messages, offers,
counter-offers, rejections); only those who bind their organisation (its administrators and
named signatories) accept, sign, cancel and move money; agents negotiate for their side but
never bind it.
"""

from __future__ import annotations

from ipx.testing.access_world import AccessWorld

from .matrix import (
    BINDING,
    CONFLICT,
    DENY,
    HIDE,
    HOME,
    LOGIN,
    OK,
    OPERATORS,
    PARTIES,
    PARTY_ROLES,
    SIGNED_IN,
    Entry,
    Outcome,
    const,
    every,
    ids,
)


# A step inside a negotiation or deal that only some of those who see it may take.
def inside(**roles: Outcome) -> dict[str, Outcome]:
    return every(
        HIDE,
        anonymous=LOGIN,
        **{"member": DENY, "signatory": DENY, "admin": DENY, "agent": DENY, "operator": DENY, **roles},
    )


NEGOTIATORS = inside(**HOME, agent=OK)  # home's members and its agent
BINDERS = inside(**BINDING)  # who commits home
OPERATOR_INSIDE = inside(operator=OK)


def offer_terms(world: AccessWorld, role: str) -> dict[str, object]:
    return {
        "kind": "transfer",
        "commitment": "concluded",
        "price_amount": "90000.00",
        "currency": "CNY",
        "payment_structure": "lump_sum",
    }


SELLING = ids(thread_id="selling")

ENTRIES = [
    Entry("/api/v1/threads", "GET", SIGNED_IN, secret="selling", sees=PARTY_ROLES),
    Entry(
        "/api/v1/threads",
        "POST",
        every(DENY, anonymous=LOGIN, **HOME),
        body=lambda w, role: {
            "listing_id": w.counterparty_listing.pk,
            "organisation_id": w.home.pk,
            "message": "请问还有其他专利吗？",
        },
        note="inquiring for home: its members only",
    ),
    Entry("/api/v1/threads/{thread_id}", "GET", PARTIES, args=SELLING),
    Entry(
        "/api/v1/threads/{thread_id}/close",
        "POST",
        inside(**HOME, operator=OK),
        args=SELLING,
        body=const({"reason": "双方未能达成一致。"}),
        note="the parties and operators; agents do not end it",
    ),
    Entry(
        "/api/v1/threads/{thread_id}/agents",
        "POST",
        inside(admin=OK),
        args=SELLING,
        body=lambda w, role: {"organisation_id": w.agency2.pk},
        note="a party's administrators choose agents",
    ),
    Entry("/api/v1/threads/{thread_id}/messages", "GET", PARTIES, args=SELLING),
    Entry(
        "/api/v1/threads/{thread_id}/messages",
        "POST",
        PARTIES,
        args=SELLING,
        multipart=True,
        body=const({"body": "我们下周可以安排技术交流。"}),
    ),
    Entry("/api/v1/attachments/{attachment_id}", "GET", PARTIES, args=ids(attachment_id="attachment")),
    Entry("/api/v1/threads/{thread_id}/offers", "GET", PARTIES, args=SELLING),
    Entry("/api/v1/threads/{thread_id}/offers", "POST", NEGOTIATORS, args=ids(thread_id="quiet"), body=offer_terms),
    Entry("/api/v1/offers/{offer_id}", "GET", PARTIES, args=ids(offer_id="offer_to_home")),
    Entry(
        "/api/v1/offers/{offer_id}/counter", "POST", NEGOTIATORS, args=ids(offer_id="offer_to_home"), body=offer_terms
    ),
    Entry(
        "/api/v1/offers/{offer_id}/withdraw",
        "POST",
        NEGOTIATORS,
        args=ids(offer_id="offer_from_home"),
        body=const({"reason": ""}),
    ),
    Entry(
        "/api/v1/offers/{offer_id}/reject",
        "POST",
        NEGOTIATORS,
        args=ids(offer_id="offer_to_home"),
        body=const({"reason": "价格过低。"}),
    ),
    Entry("/api/v1/offers/{offer_id}/accept", "POST", BINDERS, args=ids(offer_id="offer_to_home")),
    Entry("/api/v1/deals", "GET", SIGNED_IN, secret="sold", sees=PARTY_ROLES),
    Entry("/api/v1/deals/statistics", "GET", OPERATORS),
    Entry("/api/v1/deals/{deal_id}", "GET", PARTIES, args=ids(deal_id="sold")),
    Entry("/api/v1/deals/{deal_id}/contract", "GET", PARTIES, args=ids(deal_id="sold")),
    Entry("/api/v1/deals/{deal_id}/sign", "POST", BINDERS, args=ids(deal_id="to_sign"), step_up=True),
    Entry("/api/v1/deals/{deal_id}/conclude", "POST", BINDERS, args=ids(deal_id="intended")),
    Entry(
        "/api/v1/deals/{deal_id}/milestones/{position}/fund",
        "POST",
        BINDERS,
        args=ids(deal_id="bought", position=lambda w: 2),
        note="home buys: its binders pay in",
    ),
    Entry(
        "/api/v1/deals/{deal_id}/milestones/{position}/release",
        "POST",
        inside(**BINDING, operator=OK),
        args=ids(deal_id="bought", position=lambda w: 1),
        body=const({}),
    ),
    Entry(
        "/api/v1/deals/{deal_id}/recordal",
        "POST",
        inside(**HOME),
        args=ids(deal_id="sold"),
        body=const({"recordal_number": "2024990000456"}),
        note="the seller's members enter the register's number",
    ),
    Entry(
        "/api/v1/deals/{deal_id}/recordal/check",
        "POST",
        OPERATOR_INSIDE,
        args=ids(deal_id="recorded"),
        body=const({"approve": True, "note": ""}),
    ),
    Entry(
        "/api/v1/deals/{deal_id}/cancel",
        "POST",
        inside(**BINDING, operator=OK),
        args=ids(deal_id="to_sign"),
        body=const({"reason": "双方协商一致取消。"}),
        note="before both have signed",
    ),
    Entry(
        "/api/v1/deals/{deal_id}/cancel",
        "POST",
        inside(operator=OK, signatory=CONFLICT, admin=CONFLICT),
        args=ids(deal_id="sold"),
        variant="signed",
        body=const({"reason": "双方协商一致取消。"}),
        note="once signed, a party's binders hear 409: ask an operator (cancellation-request)",
    ),
    Entry(
        "/api/v1/deals/{deal_id}/cancel",
        "POST",
        inside(operator=OK, signatory=CONFLICT, admin=CONFLICT),
        args=ids(deal_id="recorded"),
        variant="recordal submitted",
        body=const({"reason": "双方协商一致取消。"}),
        note="rule 1: after the recordal is entered, a party cannot take the escrow back",
    ),
    Entry(
        "/api/v1/deals/{deal_id}/cancellation-request",
        "POST",
        BINDERS,
        args=ids(deal_id="sold"),
        body=const({"reason": "对方迟迟未付款。"}),
    ),
    Entry(
        "/api/v1/deals/{deal_id}/cancellation-request/decision",
        "POST",
        OPERATOR_INSIDE,
        args=ids(deal_id="disputed"),
        body=const({"decision": "cancel", "decision_note": "核实属实，予以取消。"}),
    ),
]
