"""The API's ledger, demands, matches and saved searches."""

from __future__ import annotations

from datetime import date, timedelta

from ipx.testing.access_world import AccessWorld

from .matrix import (
    BINDING,
    DENY,
    HIDE,
    HOME,
    HOME_ONLY,
    HOME_OR_OPERATOR,
    HOME_ROLES,
    LOGIN,
    OK,
    OPERATORS,
    PUBLIC,
    SIGNED_IN,
    Entry,
    const,
    every,
    ids,
    roles,
)

# Home's drafts: hidden from all but home and operators, who may read but not change them.
HOME_HIDDEN = every(HIDE, anonymous=LOGIN, operator=DENY, **HOME)
MEMBERS_OWN = every(HIDE, anonymous=LOGIN, member=OK)  # a person's own saved search


def demand(world: AccessWorld, role: str) -> dict[str, object]:
    return {
        "organisation_id": world.home.pk,
        "title": "寻找钠离子电池正极材料技术",
        "description": "用于储能电站的钠离子电池正极材料，要求循环寿命三千次以上。",
        "ipc_codes": ["H01M"],
        "budget_min_amount": "100000",
        "budget_max_amount": "300000",
        "budget_currency": "CNY",
        "region_kind": "mainland",
        "province": "44",
        "deadline": str(date.today() + timedelta(days=60)),
        "visibility": "public",
    }


HOME_LEDGER = ids(organisation_id="home")

ENTRIES = [
    Entry("/api/v1/organisations/{organisation_id}/balances", "GET", HOME_OR_OPERATOR, args=HOME_LEDGER),
    Entry("/api/v1/organisations/{organisation_id}/statement", "GET", HOME_OR_OPERATOR, args=HOME_LEDGER),
    Entry(
        "/api/v1/organisations/{organisation_id}/deposits",
        "POST",
        HOME_ONLY,
        args=HOME_LEDGER,
        body=const({"amount": "5000.00", "currency": "CNY"}),
        note="paying in commits nobody",
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}/deposits",
        "POST",
        every(DENY, anonymous=LOGIN),
        args=ids(organisation_id="unverified"),
        variant="unverified organisation",
        body=const({"amount": "5000.00", "currency": "CNY"}),
        note="money moves only for verified organisations, not even the unverified one's own administrator's",
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}/payouts",
        "POST",
        every(DENY, anonymous=LOGIN, **BINDING),
        args=HOME_LEDGER,
        step_up=True,
        body=const({"amount": "1000.00", "currency": "CNY", "bank_account": "6222020200001234567"}),
    ),
    Entry("/api/v1/ledger/health", "GET", OPERATORS),
    Entry("/api/v1/demands", "GET", PUBLIC, secret="draft demand"),
    Entry("/api/v1/demands", "POST", HOME_ONLY, body=demand),
    Entry("/api/v1/demands/mine", "GET", SIGNED_IN, secret="draft demand", sees=HOME_ROLES),
    Entry("/api/v1/demands/review-queue", "GET", OPERATORS),
    Entry("/api/v1/demands/{demand_id}", "GET", PUBLIC, args=ids(demand_id="demand")),
    Entry(
        "/api/v1/demands/{demand_id}",
        "GET",
        every(HIDE, operator=OK, **HOME),
        args=ids(demand_id="draft_demand"),
        variant="draft",
    ),
    Entry(
        "/api/v1/demands/{demand_id}",
        "PATCH",
        HOME_HIDDEN,
        args=ids(demand_id="draft_demand"),
        body=const({"title": "寻找高安全性锂电池隔膜技术（更新）"}),
    ),
    Entry("/api/v1/demands/{demand_id}/submit", "POST", HOME_HIDDEN, args=ids(demand_id="draft_demand")),
    Entry("/api/v1/demands/{demand_id}/recall", "POST", HOME_HIDDEN, args=ids(demand_id="submitted_demand")),
    Entry(
        "/api/v1/demands/{demand_id}/approve",
        "POST",
        OPERATORS,
        args=ids(demand_id="submitted_demand"),
        body=const({"note": ""}),
    ),
    Entry(
        "/api/v1/demands/{demand_id}/reject",
        "POST",
        OPERATORS,
        args=ids(demand_id="submitted_demand"),
        body=const({"reason": "请补充技术指标。"}),
    ),
    Entry(
        "/api/v1/demands/{demand_id}/close",
        "POST",
        HOME_ONLY,
        args=ids(demand_id="demand"),
        body=const({"note": "已找到合作方。", "solved": True}),
    ),
    Entry("/api/v1/demands/{demand_id}/matches", "GET", HOME_OR_OPERATOR, args=ids(demand_id="demand")),
    Entry("/api/v1/demands/{demand_id}/matches/refresh", "POST", HOME_ONLY, args=ids(demand_id="demand")),
    Entry("/api/v1/listings/{listing_id}/matching-demands", "GET", HOME_OR_OPERATOR, args=ids(listing_id="published")),
    Entry("/api/v1/listings/{listing_id}/likely-buyers", "GET", HOME_OR_OPERATOR, args=ids(listing_id="published")),
    Entry("/api/v1/saved-searches", "GET", SIGNED_IN, secret="saved search", sees=roles("member")),
    Entry(
        "/api/v1/saved-searches",
        "POST",
        SIGNED_IN,
        body=const({"name": "固态电池", "query": "q=固态电池", "alerts": True}),
    ),
    Entry("/api/v1/saved-searches/{saved_search_id}", "GET", MEMBERS_OWN, args=ids(saved_search_id="saved_search")),
    Entry(
        "/api/v1/saved-searches/{saved_search_id}",
        "PATCH",
        MEMBERS_OWN,
        args=ids(saved_search_id="saved_search"),
        body=const({"name": "锂电池（新）"}),
    ),
    Entry("/api/v1/saved-searches/{saved_search_id}", "DELETE", MEMBERS_OWN, args=ids(saved_search_id="saved_search")),
]
