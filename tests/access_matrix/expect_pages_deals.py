"""The negotiation and deal pages (who sees and does what, as in ``expect_api_deals``)."""

from __future__ import annotations

import uuid
from typing import Any

from ipx.testing.access_world import AccessWorld

from .expect_api_deals import BINDERS, NEGOTIATORS, OPERATOR_INSIDE, inside
from .matrix import (
    BINDING,
    CONFLICT,
    FLASH,
    FORM,
    HIDE,
    HOME,
    LOGIN,
    OK,
    PARTIES,
    PARTY_ROLES,
    SIGNED_IN,
    Args,
    Body,
    Entry,
    every,
    form_page,
    ids,
    post_only,
    read_only,
)

SELLING = ids(thread_id="selling")
# Steps a thread's page takes and, when refused, shows on the thread (a message, back).
THREAD_STEP = every(FLASH, anonymous=LOGIN, unverified=HIDE, outsider=HIDE, bank=HIDE)


def once(**fields: object) -> Body:
    """A money form's body: its fields and the key that makes it run once."""
    return lambda world, role: {**fields, "idempotency_key": uuid.uuid4().hex}


def _offer_form(world: AccessWorld, role: str) -> dict[str, str]:
    return {
        "kind": "transfer",
        "commitment": "concluded",
        "price_amount": "90000.00",
        "currency": "CNY",
        "payment_structure": "lump_sum",
    }


def _offer_action(name: str, offer: str) -> dict[str, Any]:
    return {"variant": name, "args": ids(offer_id=offer, action=lambda w: name)}


def _deal(name: str, **more: Any) -> Args:
    return ids(deal_id=name, **more)


ENTRIES: list[Entry] = [
    *read_only("negotiations/", SIGNED_IN, secret="selling", sees=PARTY_ROLES),
    *read_only("negotiations/<id:thread_id>/", PARTIES, args=SELLING),
    *form_page(
        "negotiations/<id:thread_id>/messages/",
        PARTIES,
        PARTIES,
        args=SELLING,
        body=lambda w, role: {"body": "我们下周可以安排技术交流。"},
    ),
    *post_only(
        "negotiations/<id:thread_id>/agents/",
        THREAD_STEP | {"admin": OK},
        args=SELLING,
        body=lambda w, role: {"organisation_id": str(w.agency2.pk)},
    ),
    *post_only(
        "negotiations/<id:thread_id>/agents/<id:organisation_id>/remove/",
        THREAD_STEP | {"admin": OK},
        args=ids(thread_id="selling", organisation_id="agency"),
    ),
    *post_only(
        "negotiations/<id:thread_id>/close/",
        THREAD_STEP | dict(HOME, operator=OK),
        args=SELLING,
        body=lambda w, role: {"reason": "双方未能达成一致。"},
    ),
    *form_page(
        "negotiations/<id:thread_id>/offers/new/",
        PARTIES,
        inside(**HOME, agent=OK) | {"operator": FORM},
        args=ids(thread_id="quiet"),
        body=_offer_form,
    ),
    *form_page(
        "negotiations/offers/<id:offer_id>/counter/",
        PARTIES,
        inside(**HOME, agent=OK) | {"operator": FORM},
        args=ids(offer_id="offer_to_home"),
        body=_offer_form,
    ),
    *post_only(
        "negotiations/offers/<id:offer_id>/<slug:action>/",
        THREAD_STEP | dict(HOME, agent=OK),
        **_offer_action("withdraw", "offer_from_home"),
    ),
    *post_only(
        "negotiations/offers/<id:offer_id>/<slug:action>/",
        THREAD_STEP | dict(HOME, agent=OK),
        **_offer_action("reject", "offer_to_home"),
    ),
    *post_only(
        "negotiations/offers/<id:offer_id>/<slug:action>/",
        THREAD_STEP | BINDING | {"member": FLASH},
        **_offer_action("accept", "offer_to_home"),
    ),
    *read_only("negotiations/attachments/<id:attachment_id>/", PARTIES, args=ids(attachment_id="attachment")),
    *read_only("deals/", SIGNED_IN, secret="sold", sees=PARTY_ROLES),
    *read_only("deals/<id:deal_id>/", PARTIES, args=_deal("sold")),
    # The deal's live timeline (server-sent events): whoever may open the deal.
    *read_only("live/<str:name>/", PARTIES, args=ids(name=lambda w: f"deal-{w.sold.pk}"),
               variant="a deal's timeline"),
    *read_only("deals/<id:deal_id>/contract.pdf", PARTIES, args=_deal("sold")),
    *post_only("deals/<id:deal_id>/sign/", BINDERS, args=_deal("to_sign")),
    *post_only("deals/<id:deal_id>/conclude/", BINDERS, args=_deal("intended")),
    *post_only(
        "deals/<id:deal_id>/milestones/<int:position>/fund/",
        BINDERS,
        args=_deal("bought", position=lambda w: 2),
        body=once(),
    ),
    *post_only(
        "deals/<id:deal_id>/milestones/<int:position>/release/",
        inside(**BINDING, operator=OK),
        args=_deal("bought", position=lambda w: 1),
        body=once(),
    ),
    *post_only(
        "deals/<id:deal_id>/recordal/", inside(**HOME), args=_deal("sold"), body=once(recordal_number="2024990000456")
    ),
    *post_only(
        "deals/<id:deal_id>/recordal/check/",
        OPERATOR_INSIDE,
        args=_deal("recorded"),
        body=once(decision="approve", note=""),
    ),
    *post_only(
        "deals/<id:deal_id>/cancel/",
        inside(**BINDING, operator=OK),
        args=_deal("to_sign"),
        body=once(reason="双方协商一致取消。"),
    ),
    *post_only(
        "deals/<id:deal_id>/cancel/",
        inside(operator=OK, signatory=CONFLICT, admin=CONFLICT),
        args=_deal("sold"),
        variant="signed",
        body=once(reason="双方协商一致取消。"),
    ),
    Entry(
        "deals/<id:deal_id>/cancel/",
        "POST",
        inside(operator=OK, signatory=CONFLICT, admin=CONFLICT),
        args=_deal("recorded"),
        variant="recordal submitted",
        body=once(reason="双方协商一致取消。"),
    ),
    *post_only(
        "deals/<id:deal_id>/cancellation/request/", BINDERS, args=_deal("sold"), body=once(reason="对方迟迟未付款。")
    ),
    *post_only(
        "deals/<id:deal_id>/cancellation/decide/",
        OPERATOR_INSIDE,
        args=_deal("disputed"),
        body=once(decision="cancel", decision_note="核实属实，予以取消。"),
    ),
]

_ = NEGOTIATORS
