"""The auction pages (who sees and does what, as in ``expect_api_auctions``).

Sessions that are announced, live or finished, their lots and a finished session's results are
public; a session being prepared is the operators' (404 to everyone else), and so are a running
session's results (403). Any member of a verified organisation may apply for it to bid; only
admitted bidders bid (in the world, home's people on the live session's lots), never on their
own organisation's lot: the hall refuses on its bid form. Operators alone run auctions: their
forms answer others 403, their buttons go back with the refusal as a message.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from ipx.testing.access_world import AccessWorld

from .expect_api_auctions import OPERATORS_SEE, auction
from .matrix import (
    DENY,
    FLASH,
    FORM,
    HIDE,
    HOME,
    LOGIN,
    OK,
    OPERATORS,
    PUBLIC,
    Body,
    Entry,
    every,
    form_page,
    ids,
    post_only,
    read_only,
    roles,
)

ANNOUNCED = ids(session_id=auction("announced"))
DRAFT = ids(session_id=auction("draft"))
OPEN_LOT = ids(lot_id=auction("open_lot"))
# The operator's buttons: anyone else is sent back with the refusal as a message.
OPERATOR_STEP = every(FLASH, anonymous=LOGIN, operator=OK)
# Any member of a verified organisation applies for it; the unverified applicant's is no
# choice on the form, and an operator has none to apply for.
APPLICANTS = every(OK, anonymous=LOGIN, unverified=FORM, operator=FORM, member=FORM)


def _moment(world: AccessWorld, after: timedelta) -> str:
    return timezone.localtime(world.auctions.draft.starts_at + after).strftime("%Y-%m-%dT%H:%M")


def _session_form(world: AccessWorld, role: str) -> dict[str, str]:
    return {"title": "湾区知识产权拍卖会（第二场）", "starts_at": _moment(world, timedelta(days=7)),
            "currency": "CNY", "description": ""}


def _lot_form(world: AccessWorld, role: str) -> dict[str, str]:
    return {"listing_id": str(world.counterparty_listing.pk), "offer_kind": "transfer",
            "starting_price": "100000", "reserve_price": "", "deposit": "20000",
            "opens_at": _moment(world, timedelta(hours=1)), "closes_at": _moment(world, timedelta(hours=2)),
            "hard_end": _moment(world, timedelta(hours=3)), "soft_close_minutes": "5",
            "buyer_premium_percent": "0", "seller_commission_percent": "0"}


def _applying(world: AccessWorld, role: str) -> dict[str, str]:
    own = world.own_organisation(role)
    return {"organisation": str((own or world.home).pk)}


def _bid(world: AccessWorld, role: str) -> dict[str, str]:
    return {"amount": "100000", "maximum": "", "key": uuid.uuid4().hex}


def _reason(action: str, **more: str) -> Body:
    return lambda world, role: {f"{action}-reason": "拍品权属需要核实。", **more}


def _extend(world: AccessWorld, role: str) -> dict[str, str]:
    later = timezone.localtime(world.auctions.open_lot.closes_at + timedelta(hours=1))
    return {"extend-reason": "应竞买人请求延长。", "extend-closes_at": later.strftime("%Y-%m-%dT%H:%M")}


ENTRIES: list[Entry] = [
    *read_only("auctions/", PUBLIC, login=False, secret="draft auction", sees=roles("operator")),
    *form_page("auctions/new/", OPERATORS, OPERATORS, body=_session_form),
    *read_only("auctions/<id:session_id>/", PUBLIC, login=False, args=ANNOUNCED),
    *read_only("auctions/<id:session_id>/", PUBLIC, login=False, args=ids(session_id=auction("live")),
               variant="live"),
    *read_only("auctions/<id:session_id>/", PUBLIC, login=False, args=ids(session_id=auction("finished")),
               variant="finished"),
    *read_only("auctions/<id:session_id>/", OPERATORS_SEE, login=False, args=DRAFT, variant="draft"),
    *post_only("auctions/<id:session_id>/register/", APPLICANTS, args=ANNOUNCED, body=_applying),
    *post_only(
        "auctions/<id:session_id>/register/",
        every(HIDE, anonymous=LOGIN, operator=FORM),
        args=DRAFT,
        body=_applying,
        variant="draft",
        note="no one applies before the session is announced, and the draft stays unknown",
    ),
    *form_page("auctions/<id:session_id>/lots/new/", OPERATORS, OPERATORS, args=DRAFT, body=_lot_form),
    *post_only("auctions/<id:session_id>/announce/", OPERATOR_STEP, args=DRAFT),
    *post_only("auctions/<id:session_id>/cancel/", OPERATOR_STEP, args=ANNOUNCED,
               body=lambda world, role: {"reason": "场地调整，另行通知。"}),
    *post_only("auctions/registrations/<id:registration_id>/admit/", OPERATOR_STEP,
               args=ids(registration_id=auction("applied"))),
    *post_only("auctions/registrations/<id:registration_id>/refuse/", OPERATOR_STEP,
               args=ids(registration_id=auction("applied")), body=lambda world, role: {"reason": "资质材料不全。"}),
    *read_only("auctions/<id:session_id>/results/", PUBLIC, login=False,
               args=ids(session_id=auction("finished"))),
    *read_only("auctions/<id:session_id>/results/", every(DENY, operator=OK), login=False,
               args=ids(session_id=auction("live")), variant="live"),
    *read_only("auctions/<id:session_id>/results/", OPERATORS_SEE, login=False, args=DRAFT, variant="draft"),
    # The hall: anyone watches; admitted bidders bid on its form, others are refused on it.
    *form_page("auctions/lots/<id:lot_id>/", PUBLIC, every(FORM, anonymous=LOGIN, **{**HOME, "member": FORM}),
               args=OPEN_LOT,
               body=_bid),
    *form_page(
        "auctions/lots/<id:lot_id>/",
        PUBLIC,
        every(FORM, anonymous=LOGIN),
        args=ids(lot_id=auction("own_lot")),
        body=_bid,
        variant="own lot",
        note="home is admitted, but the lot is its own listing's",
    ),
    *form_page("auctions/lots/<id:lot_id>/", OPERATORS_SEE, every(HIDE, anonymous=LOGIN, operator=FORM),
               args=ids(lot_id=auction("draft_lot")), body=_bid, variant="draft"),
    *post_only("auctions/lots/<id:lot_id>/open/", OPERATOR_STEP, args=ids(lot_id=auction("announced_lot")),
               body=_reason("open")),
    *post_only("auctions/lots/<id:lot_id>/pause/", OPERATOR_STEP, args=OPEN_LOT, body=_reason("pause")),
    *post_only("auctions/lots/<id:lot_id>/resume/", OPERATOR_STEP, args=ids(lot_id=auction("paused_lot")),
               body=_reason("resume")),
    *post_only("auctions/lots/<id:lot_id>/extend/", OPERATOR_STEP, args=OPEN_LOT, body=_extend),
    *post_only("auctions/lots/<id:lot_id>/withdraw/", OPERATOR_STEP, args=OPEN_LOT, body=_reason("withdraw")),
    # The settlement's buttons go back to the lot with the refusal: a member may not commit home,
    # its signatories must sign the contract before paying, nobody else has a settlement here.
    *(entry for step in ("pay", "accept", "decline")
      for entry in post_only(f"auctions/lots/<id:lot_id>/settlement/{step}/", every(FLASH, anonymous=LOGIN),
                             args=ids(lot_id=auction("won_lot")))),
    *post_only("auctions/lots/<id:lot_id>/runner-up/", every(FLASH, anonymous=LOGIN),
               args=ids(lot_id=auction("won_lot")), body=_reason("runner_up"),
               note="operators only, once the buyer forfeited"),
]
