"""The listings API: who may call each endpoint, the whole workflow through it with exact
answers, refusals that change nothing, and the history put into words in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.listings import services
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing, ListingEvent
from ipx.listings.tests.helpers import (
    DEAL_NUMBER,
    ROLES,
    api,
    clients,
    draft,
    history,
    published,
    snapshot,
    submitted,
    withdrawn,
)
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db

def create_body(owner: Member) -> dict[str, Any]:
    patent = PatentFactory.create(asset__holder=owner.organisation)
    return {"organisation_id": owner.organisation.pk, "title": "固态电解质专利许可", "asset_ids": [patent.pk],
            "offer_kinds": ["licence"], "licence_exclusivity": "sole", "price_type": "fixed",
            "price_amount": "300000", "currency": "CNY"}


# --- Who may call what --------------------------------------------------------------------------

@dataclass
class Endpoint:
    name: str
    prepare: Callable[[Member, User], Listing]
    method: str
    path: str  # with {id} and {org}
    expected: tuple[int, int, int, int, int]  # anonymous, owner, buyer, outsider, operator
    body: Any = None


ENDPOINTS = [
    Endpoint("detail of a draft", draft, "get", "/listings/{id}", (404, 200, 404, 404, 200)),
    Endpoint("detail of a published listing", published, "get", "/listings/{id}", (200, 200, 200, 200, 200)),
    Endpoint("history of a draft", draft, "get", "/listings/{id}/history", (401, 200, 404, 404, 200)),
    Endpoint("history of a published listing", published, "get", "/listings/{id}/history",
             (401, 200, 403, 403, 200)),
    Endpoint("review queue", submitted, "get", "/listings/review-queue", (401, 403, 403, 403, 200)),
    Endpoint("edit a draft", draft, "patch", "/listings/{id}", (401, 200, 404, 404, 403), {"title": "新标题"}),
    Endpoint("edit a published listing", published, "patch", "/listings/{id}", (401, 200, 403, 403, 403),
             {"price_amount": "450000"}),
    Endpoint("delete a draft", draft, "delete", "/listings/{id}", (401, 204, 404, 404, 403)),
    Endpoint("submit", draft, "post", "/listings/{id}/submit", (401, 200, 404, 404, 403)),
    Endpoint("recall", submitted, "post", "/listings/{id}/recall", (401, 200, 404, 404, 200), {"reason": ""}),
    Endpoint("approve", submitted, "post", "/listings/{id}/approve", (401, 403, 403, 403, 200), {"note": "资料齐全"}),
    Endpoint("reject", submitted, "post", "/listings/{id}/reject", (401, 403, 403, 403, 200),
             {"reason": "请补充许可条款"}),
    Endpoint("withdraw", published, "post", "/listings/{id}/withdraw", (401, 200, 403, 403, 200),
             {"reason": "已签约"}),
    Endpoint("reopen", withdrawn, "post", "/listings/{id}/reopen", (401, 200, 404, 404, 403)),
    Endpoint("an organisation's listings", draft, "get", "/organisations/{org}/listings", (200, 200, 200, 200, 200)),
    Endpoint("an organisation's drafts", draft, "get", "/organisations/{org}/listings?status=draft",
             (403, 200, 403, 403, 403)),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("who", ROLES)
def test_access_matrix(endpoint: Endpoint, who: str, owner: Member, buyer: Member, outsider: Member,
                       operator: User) -> None:
    listing = endpoint.prepare(owner, operator)
    path = endpoint.path.format(id=listing.pk, org=owner.organisation.pk)
    before = snapshot(listing.pk)

    status, body = api(clients(owner, buyer, outsider, operator)[who], endpoint.method, path, endpoint.body)

    assert status == endpoint.expected[ROLES.index(who)], body
    if status >= 400:
        assert set(body["error"]) == {"code", "message", "fields"}
        assert snapshot(listing.pk) == before
    elif status == 204:
        assert not Listing.objects.filter(pk=listing.pk).exists()
    elif endpoint.name.startswith("history"):
        assert [item["verb"] for item in body["items"]] == [verb for verb, *_ in reversed(history(listing))]
    elif endpoint.name.startswith("an organisation's"):
        # Others see its published listings only, and this one is a draft.
        assert [item["id"] for item in body["items"]] == ([listing.pk] if who == "owner" else [])
    elif endpoint.name == "review queue":
        assert [item["id"] for item in body["items"]] == [listing.pk]
    else:
        assert body["id"] == listing.pk


def test_create_is_for_members_of_the_seller(owner: Member, buyer: Member, outsider: Member,
                                             operator: User) -> None:
    body = create_body(owner)
    every = clients(owner, buyer, outsider, operator)
    refused = {who: api(every[who], "post", "/listings", body)[0] for who in ("anonymous", "buyer", "outsider",
                                                                              "operator")}
    assert refused == {"anonymous": 401, "buyer": 403, "outsider": 403, "operator": 403}
    assert Listing.objects.count() == 0
    status, created = api(owner.client, "post", "/listings", body)
    assert status == 201
    assert (created["status"], created["title"], created["offer_kinds"], created["licence_exclusivity"],
            created["price_amount"], created["allowed_actions"]) == (
        "draft", "固态电解质专利许可", ["licence"], "sole", "300000.00", ["edit", "delete", "submit"])
    assert [asset["id"] for asset in created["assets"]] == body["asset_ids"]
    assert history(Listing.objects.get()) == [("create", "", "draft")]


# --- The workflow through the API -----------------------------------------------------------------

def test_the_whole_review_through_the_api(owner: Member, operator: User) -> None:
    operator_client = Client()
    sign_in(operator_client, operator)
    status, listing = api(owner.client, "post", "/listings", create_body(owner))
    path = f"/listings/{listing['id']}"

    status, edited = api(owner.client, "patch", path, {"title": "固态电解质专利独占许可"})
    assert (status, edited["title"]) == (200, "固态电解质专利独占许可")
    status, body = api(owner.client, "post", f"{path}/submit")
    assert (status, body["status"], body["allowed_actions"]) == (200, "submitted", ["recall"])
    assert api(operator_client, "get", path)[1]["allowed_actions"] == ["recall", "approve", "reject"]
    queue = api(operator_client, "get", "/listings/review-queue")[1]
    assert ([item["id"] for item in queue["items"]], queue["count"]) == ([listing["id"]], 1)
    assert queue["items"][0]["allowed_actions"] == ["recall", "approve", "reject"]

    status, body = api(operator_client, "post", f"{path}/reject", {"reason": "请写明许可地域"})
    assert (status, body["status"], body["review_note"]) == (200, "draft", "请写明许可地域")
    api(owner.client, "patch", path, {"licence_territory": "粤港澳大湾区"})
    api(owner.client, "post", f"{path}/submit")
    status, body = api(operator_client, "post", f"{path}/approve", {"note": "资料齐全"})
    assert (status, body["status"], body["review_note"], body["expires_on"]) == (
        200, "published", "资料齐全", (timezone.localdate() + timedelta(days=365)).isoformat())
    assert api(owner.client, "get", path)[1]["allowed_actions"] == ["edit", "withdraw"]
    assert api(Client(), "get", path)[1]["allowed_actions"] == []

    # Words change without a review (a new price goes back to review: test_edit_rules).
    status, body = api(owner.client, "patch", path, {"description": "适用于固态电池。"})
    assert (status, body["description"], body["status"]) == (200, "适用于固态电池。", "published")
    status, body = api(owner.client, "post", f"{path}/withdraw", {"reason": "已与买方签约"})
    assert (status, body["status"], body["allowed_actions"]) == (200, "withdrawn", ["reopen"])
    status, body = api(owner.client, "post", f"{path}/reopen")
    assert (status, body["status"], body["allowed_actions"]) == (200, "draft", ["edit", "submit"])

    assert history(Listing.objects.get()) == [
        ("create", "", "draft"), ("submit", "draft", "submitted"), ("reject", "submitted", "draft"),
        ("submit", "draft", "submitted"), ("approve", "submitted", "published"), ("edit", "published", "published"),
        ("withdraw", "published", "withdrawn"), ("reopen", "withdrawn", "draft")]
    status, page = api(owner.client, "get", f"{path}/history")
    assert (status, page["count"]) == (200, 8)
    assert [(item["verb"], item["text"]) for item in page["items"][:5]] == [
        ("reopen", ""), ("withdraw", "已与买方签约"), ("edit", "edited"), ("approve", "资料齐全"),
        ("submit", "")]
    assert page["items"][2]["params"] == {"fields": ["description"]}
    assert page["items"][0]["actor_name"] == "Olivia Owner"


def test_recall_and_withdraw_of_a_listing_in_review(owner: Member) -> None:
    recalled = submitted(owner, owner.user)
    status, body = api(owner.client, "post", f"/listings/{recalled.pk}/recall", {"reason": "还要补充资料"})
    assert (status, body["status"]) == (200, "draft")
    # Withdrawing a listing still in review recalls it too, as it always has.
    listing = services.listing_submit(listing_id=recalled.pk, actor=owner.user)
    status, body = api(owner.client, "post", f"/listings/{listing.pk}/withdraw", {"reason": ""})
    assert (status, body["status"]) == (200, "draft")
    assert history(listing)[-2:] == [("submit", "draft", "submitted"), ("recall", "submitted", "draft")]


def test_expiry_is_told_in_the_readers_language(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    ends = listing.expires_on
    assert ends is not None
    services.listings_expire_due(today=ends + timedelta(days=1))
    event = ListingEvent.objects.filter(listing=listing).last()
    assert event is not None
    assert (event.verb, event.from_status, event.to_status, event.note, event.params, event.actor) == (
        "expire", "published", "expired", "", {"expires_on": ends.isoformat()}, None)
    english = api(owner.client, "get", f"/listings/{listing.pk}/history", HTTP_ACCEPT_LANGUAGE="en")[1]
    chinese = api(owner.client, "get", f"/listings/{listing.pk}/history", HTTP_ACCEPT_LANGUAGE="zh-hans")[1]
    assert english["items"][0]["text"] == "The offer period ended."
    assert chinese["items"][0]["text"] == "挂牌期已结束。"


def test_deal_steps_name_the_deal(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    services.listing_reserve(listing_id=listing.pk, actor=None, note=DEAL_NUMBER)
    services.listing_release_reservation(listing_id=listing.pk, actor=None, note=DEAL_NUMBER)
    services.listing_reserve(listing_id=listing.pk, actor=None, note=DEAL_NUMBER)
    services.listing_mark_sold(listing_id=listing.pk, actor=operator, note=DEAL_NUMBER)
    items = api(owner.client, "get", f"/listings/{listing.pk}/history")[1]["items"]
    assert [(item["verb"], item["params"], item["text"]) for item in items[:4]] == [
        ("sell", {"deal": DEAL_NUMBER}, DEAL_NUMBER), ("reserve", {"deal": DEAL_NUMBER}, DEAL_NUMBER),
        ("release", {"deal": DEAL_NUMBER}, DEAL_NUMBER), ("reserve", {"deal": DEAL_NUMBER}, DEAL_NUMBER)]
    assert api(owner.client, "get", f"/listings/{listing.pk}")[1]["allowed_actions"] == []


def test_old_history_rows_show_their_stored_note(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    # Written before verbs existed, in the editor's language of the day.
    ListingEvent.objects.create(listing=listing, from_status="published", to_status="published", note="已编辑",
                                actor=owner.user)
    items = api(owner.client, "get", f"/listings/{listing.pk}/history", HTTP_ACCEPT_LANGUAGE="en")[1]["items"]
    assert [(item["verb"], item["text"]) for item in items[:2]] == [("", "已编辑"), ("approve", "")]


# --- Refusals change nothing ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("prepare", "who", "method", "action", "body", "expected"),
    [
        (draft, "owner", "post", "approve", {"note": ""}, (403, "forbidden", "Only operators may review listings.")),
        (draft, "operator", "post", "approve", {"note": ""},
         (409, "invalid_transition", "A listing that is Draft cannot become Published.")),
        (submitted, "operator", "post", "reject", {"reason": " "},
         (400, "invalid", "Say what the seller must change; they see this note.")),
        (draft, "operator", "post", "reject", {"reason": "请补充"},
         (409, "invalid_transition", "Only listings awaiting review can be sent back.")),
        (draft, "outsider", "post", "withdraw", {"reason": ""}, (404, "not_found", "No such listing.")),
        (draft, "owner", "post", "withdraw", {"reason": ""},
         (409, "invalid_transition", "A listing that is Draft cannot become Withdrawn.")),
        (draft, "owner", "post", "reopen", None,
         (409, "invalid_transition", "A listing that is Draft cannot become Draft.")),
        (submitted, "owner", "patch", "", {"title": "改"},
         (409, "conflict", "A listing that is Awaiting review cannot be edited.")),
        (withdrawn, "owner", "delete", "", None,
         (409, "conflict", "Only drafts that were never published can be deleted; withdraw it instead.")),
        (published, "owner", "post", "submit", None,
         (409, "invalid_transition", "A listing that is Published cannot become Awaiting review.")),
        (published, "owner", "patch", "", {"price_type": "range", "price_amount": "5", "price_max_amount": "4"},
         (400, "invalid", "")),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_refusals_through_the_api_change_nothing(prepare: Callable[[Member, User], Listing], who: str,
                                                  method: str, action: str, body: Any,
                                                  expected: tuple[int, str, str], owner: Member, buyer: Member,
                                                  outsider: Member, operator: User) -> None:
    listing = prepare(owner, operator)
    before = snapshot(listing.pk)
    path = f"/listings/{listing.pk}" + (f"/{action}" if action else "")

    status, answer = api(clients(owner, buyer, outsider, operator)[who], method, path, body)

    assert (status, answer["error"]["code"]) == expected[:2]
    if expected[2]:
        assert answer["error"]["message"] == expected[2]
    assert snapshot(listing.pk) == before


def test_submitting_needs_a_verified_seller_and_free_assets(owner: Member) -> None:
    first = submitted(owner, owner.user)
    second = draft(owner, owner.user)
    services.listing_update(listing_id=second.pk, actor=owner.user,
                            changes=ListingChanges(asset_ids=(first.asset_links.get().asset_id,)))
    before = snapshot(second.pk)
    detail = api(owner.client, "get", f"/listings/{second.pk}")[1]
    status, body = api(owner.client, "post", f"/listings/{second.pk}/submit")
    assert (detail["allowed_actions"], status, body["error"]["message"], body["error"]["fields"]) == (
        ["edit", "delete"], 409, f"“{first.assets.get().title}” is already offered in listing #{first.pk}.",
        {"asset_ids": "An asset is already on offer elsewhere."})
    Organisation.objects.filter(pk=owner.organisation.pk).update(status="pending")
    status, body = api(owner.client, "post", f"/listings/{second.pk}/submit")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert "is not verified yet" in body["error"]["message"]
    assert snapshot(second.pk) == before


def test_approve_refuses_an_unverified_seller(owner: Member, operator: User) -> None:
    listing = submitted(owner, operator)
    Organisation.objects.filter(pk=owner.organisation.pk).update(status="pending")
    operator_client = Client()
    sign_in(operator_client, operator)
    before = snapshot(listing.pk)
    assert api(operator_client, "get", f"/listings/{listing.pk}")[1]["allowed_actions"] == ["recall", "reject"]
    status, body = api(operator_client, "post", f"/listings/{listing.pk}/approve", {"note": ""})
    assert (status, body["error"]["code"], body["error"]["message"]) == (
        409, "conflict", "The seller is not verified; verify the organisation first.")
    assert snapshot(listing.pk) == before


def test_an_organisations_listings_page_by_page(owner: Member, buyer: Member, operator: User) -> None:
    shown = [published(owner, operator) for _ in range(3)]
    hidden = draft(owner, operator)
    path = f"/organisations/{owner.organisation.pk}/listings"
    status, first = api(buyer.client, "get", f"{path}?size=2")
    assert (status, first["count"], first["page"], first["size"], len(first["items"])) == (200, 3, 1, 2, 2)
    assert {item["allowed_actions"] == [] for item in first["items"]} == {True}
    mine = api(owner.client, "get", f"{path}?size=10")[1]
    assert {item["id"] for item in mine["items"]} == {hidden.pk, *(listing.pk for listing in shown)}
    status, body = api(buyer.client, "get", f"{path}?status=nonsense")
    assert (status, set(body["error"]["fields"])) == (400, {"status"})
