"""The ledger, notification, demand, match and saved-search pages, and the public ones."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ipx.testing.access_world import ROLES, AccessWorld

from .expect_pages_deals import once
from .matrix import (
    BINDING,
    DENY,
    FLASH,
    HIDE,
    HOME,
    HOME_ONLY,
    HOME_OR_OPERATOR,
    HOME_ROLES,
    LOGIN,
    MOVED,
    NOPE,
    OK,
    PUBLIC,
    SIGNED_IN,
    Entry,
    const,
    every,
    form_page,
    ids,
    post_only,
    read_only,
    roles,
)

OWN_ORGANISATION = every(OK, anonymous=LOGIN, operator=MOVED)
HOME_LEDGER = ids(organisation_id="home")
MEMBERS_OWN = every(HIDE, anonymous=LOGIN, member=OK)
# Home's draft demand: hidden from all but home and operators, who may read but not change it.
HOME_DRAFT = every(HIDE, anonymous=LOGIN, operator=DENY, **HOME)
# The operators' review of home's submitted demand; home hears that only operators review.
REVIEW = every(HIDE, anonymous=LOGIN, operator=OK, member=FLASH, signatory=FLASH, admin=FLASH)


def _demand_form(world: AccessWorld, role: str) -> dict[str, str]:
    return {
        "title": "寻找钠离子电池正极材料技术",
        "description": "用于储能电站的钠离子电池正极材料，要求循环寿命三千次以上。",
        "ipc_codes": "H01M",
        "budget_min_amount": "100000",
        "budget_max_amount": "300000",
        "budget_currency": "CNY",
        "region_kind": "mainland",
        "province": "44",
        "deadline": str(date.today() + timedelta(days=60)),
        "visibility": "public",
    }


def _demand_action(name: str, demand: str) -> dict[str, Any]:
    return {"variant": name, "args": ids(demand_id=demand, name=lambda w: name)}


ENTRIES: list[Entry] = [
    *read_only("ledger/", every(MOVED, anonymous=LOGIN, operator=OK), note="to the current organisation's statement"),
    *read_only("ledger/<id:organisation_id>/", HOME_OR_OPERATOR, args=HOME_LEDGER),
    *read_only("ledger/<id:organisation_id>/statement.csv", HOME_OR_OPERATOR, args=HOME_LEDGER),
    *post_only(
        "ledger/<id:organisation_id>/deposit/",
        HOME_ONLY,
        args=HOME_LEDGER,
        body=once(amount="5000.00", currency="CNY"),
    ),
    Entry(
        "ledger/<id:organisation_id>/deposit/",
        "POST",
        every(DENY, anonymous=LOGIN),
        args=ids(organisation_id="unverified"),
        variant="unverified organisation",
        body=once(amount="5000.00", currency="CNY"),
        note="money moves only for verified organisations",
    ),
    *post_only(
        "ledger/<id:organisation_id>/payout/",
        every(DENY, anonymous=LOGIN, **BINDING),
        args=HOME_LEDGER,
        body=once(amount="1000.00", currency="CNY", bank_account="6222020200001234567"),
    ),
    # The inbox answers any method alike (it only reads).
    # The member's unread badge, live (server-sent events): only that member follows it.
    *read_only("live/<str:name>/", every(HIDE, anonymous=LOGIN, member=OK),
               args=ids(name=lambda w: f"user-{w.people['member'].pk}"), variant="a member's notifications"),
    Entry("notifications/", "GET", SIGNED_IN),
    Entry("notifications/", "POST", SIGNED_IN),
    *post_only("notifications/read/", SIGNED_IN, body=const({})),
    Entry(
        "notifications/read/",
        "POST",
        SIGNED_IN,
        variant="the member's",
        body=lambda w, role: {"id": str(w.notification.pk)},
        untouched=frozenset(ROLES) - {"member"},
        note="naming another person's notification marks nothing",
    ),
    *read_only("demands/", PUBLIC, login=False, secret="draft demand"),
    *form_page("demands/new/", OWN_ORGANISATION, OWN_ORGANISATION, body=_demand_form),
    *read_only("demands/mine/", OWN_ORGANISATION, secret="draft demand", sees=HOME_ROLES),
    *read_only("demands/<id:demand_id>/", PUBLIC, login=False, args=ids(demand_id="demand")),
    *read_only(
        "demands/<id:demand_id>/",
        every(HIDE, operator=OK, **HOME),
        login=False,
        args=ids(demand_id="draft_demand"),
        variant="draft",
    ),
    *form_page(
        "demands/<id:demand_id>/edit/", HOME_DRAFT, HOME_DRAFT, args=ids(demand_id="draft_demand"), body=_demand_form
    ),
    *form_page(
        "demands/<id:demand_id>/close/",
        HOME_ONLY,
        HOME_ONLY,
        args=ids(demand_id="demand"),
        body=const({"solved": "on", "note": "已找到合作方。"}),
    ),
    *read_only("demands/<id:demand_id>/matches/", HOME_OR_OPERATOR, args=ids(demand_id="demand")),
    *post_only("demands/<id:demand_id>/matches/refresh/", HOME_ONLY, args=ids(demand_id="demand")),
    *read_only("demands/for-listing/<id:listing_id>/", HOME_OR_OPERATOR, args=ids(listing_id="published")),
    *post_only(
        "demands/<id:demand_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=FLASH, **HOME),
        **_demand_action("submit", "draft_demand"),
    ),
    *post_only(
        "demands/<id:demand_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=FLASH, **HOME),
        **_demand_action("recall", "submitted_demand"),
    ),
    *post_only(
        "demands/<id:demand_id>/<slug:name>/",
        REVIEW,
        body=const({"note": ""}),
        **_demand_action("approve", "submitted_demand"),
    ),
    *post_only(
        "demands/<id:demand_id>/<slug:name>/",
        REVIEW,
        body=const({"reason": "请补充技术指标。"}),
        **_demand_action("reject", "submitted_demand"),
    ),
    *read_only("saved-searches/", SIGNED_IN, secret="saved search", sees=roles("member")),
    *post_only(
        "saved-searches/new/", SIGNED_IN, body=const({"name": "固态电池", "query": "q=固态电池", "alerts": "on"})
    ),
    *post_only(
        "saved-searches/<id:saved_search_id>/alerts/",
        MEMBERS_OWN,
        args=ids(saved_search_id="saved_search"),
        body=const({"alerts": "off"}),
    ),
    *post_only("saved-searches/<id:saved_search_id>/delete/", MEMBERS_OWN, args=ids(saved_search_id="saved_search")),
    *read_only("", PUBLIC, login=False),
    *read_only("stats/", PUBLIC, login=False),
    # Health for load balancers and monitors (ipx.health): anyone, no login, only read.
    *read_only("healthz", PUBLIC, login=False),
    # The world has no search index built (no server would be ready): left out here.
    *read_only("readyz", PUBLIC, login=False, query="exclude=search_index"),
    *read_only("language/<str:code>/", every(MOVED), login=False, args=ids(code=lambda w: "zh-hans")),
    # "My organisation" answers any method alike (it only reads); an operator has none.
    Entry("my/", "GET", SIGNED_IN, secret="draft", sees=HOME_ROLES),
    Entry("my/", "POST", SIGNED_IN),
    *read_only("booths/<id:organisation_id>/", PUBLIC, login=False, args=ids(organisation_id="home"), secret="draft"),
    *read_only(
        "booths/<id:organisation_id>/",
        every(HIDE),
        login=False,
        args=ids(organisation_id="rejected"),
        variant="rejected",
    ),
    # The API's document and its docs page answer any method alike (they only read).
    Entry("api/v1/openapi.json", "GET", PUBLIC),
    Entry("api/v1/openapi.json", "POST", PUBLIC),
    Entry("api/v1/docs", "GET", PUBLIC),
    Entry("api/v1/docs", "POST", PUBLIC),
    Entry("api/v1/", "GET", every(HIDE), note="the API's root has no page of its own"),
    Entry("api/v1/", "POST", every(HIDE)),
]

_ = NOPE
