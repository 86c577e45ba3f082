"""Listing pages: who may open what, the workflow through the buttons, refusals shown as
messages that change nothing, the history in the reader's language, and buttons that are
exactly the API's ``allowed_actions`` and what the services accept."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import User
from ipx.listings.models import Listing, ListingEvent
from ipx.listings.tests.helpers import (
    ROLES,
    STATES,
    accepted_by_services,
    api,
    clients,
    draft,
    history,
    published,
    snapshot,
    submitted,
)
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db

def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client: Client, listing: Listing, name: str, **form: str) -> Any:
    """Press a button and follow to the page that shows its message (which reading uses up)."""
    return client.post(reverse("listings:action", args=[listing.pk, name]), form, follow=True)


def landed(response: Any) -> str:
    return str(response.redirect_chain[0][0])


def buttons(client: Client, listing: Listing) -> list[str]:
    """The workflow buttons the listing's page shows, in the order of the table."""
    response = client.get(reverse("listings:detail", args=[listing.pk]))
    if response.status_code == 404:
        return []
    html = response.content.decode()
    shown = set(re.findall(rf'action="/listings/{listing.pk}/([a-z]+)/"', html))
    if f'href="{reverse("listings:edit", args=[listing.pk])}"' in html:
        shown.add("edit")
    order = ["edit", "delete", "submit", "recall", "approve", "reject", "withdraw", "reopen"]
    assert shown <= set(order), shown
    return [name for name in order if name in shown]


def listing_form(asset_id: int, **changes: str) -> dict[str, Any]:
    return {"title": "钠离子电池正极材料", "asset_ids": [str(asset_id)], "offer_kinds": ["transfer"],
            "price_type": "fixed", "price_amount": "260000", "currency": "CNY"} | changes


# --- Buttons, API and services agree ------------------------------------------------------------

EXPECTED: dict[str, dict[str, list[str]]] = {
    "draft": {"owner": ["edit", "delete", "submit"], "operator": []},
    "submitted": {"owner": ["recall"], "operator": ["recall", "approve", "reject"]},
    "published": {"owner": ["edit", "withdraw"], "operator": ["withdraw"]},
    "reserved": {"owner": ["withdraw"], "operator": ["withdraw"]},
    "sold": {"owner": [], "operator": []},
    "withdrawn": {"owner": ["reopen"], "operator": []},
    "expired": {"owner": ["reopen"], "operator": []},
    "reopened": {"owner": ["edit", "submit"], "operator": []},
}


@pytest.mark.parametrize("state", list(STATES))
def test_buttons_allowed_actions_and_services_agree(state: str, owner: Member, buyer: Member, outsider: Member,
                                                    operator: User) -> None:
    listing = STATES[state](owner, operator)
    every = clients(owner, buyer, outsider, operator)
    users = {"owner": owner.user, "buyer": buyer.user, "outsider": outsider.user, "operator": operator}
    before = snapshot(listing.pk)
    for who, user in users.items():
        status, body = api(every[who], "get", f"/listings/{listing.pk}")
        from_api = body["allowed_actions"] if status == 200 else []
        expected = EXPECTED[state].get(who, [])
        assert (buttons(every[who], listing), from_api, accepted_by_services(listing.pk, user)) == (
            expected, expected, expected), who
    assert buttons(every["anonymous"], listing) == []
    assert snapshot(listing.pk) == before


# --- Who may open what ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("listings:detail", (404, 200, 404, 404, 200)),
        ("listings:edit", (302, 200, 404, 404, 403)),
        ("listings:documents", (302, 200, 404, 404, 403)),
    ],
)
@pytest.mark.parametrize("who", ROLES)
def test_who_may_open_a_drafts_pages(page: str, expected: tuple[int, ...], who: str, owner: Member,
                                      buyer: Member, outsider: Member, operator: User) -> None:
    listing = draft(owner, operator)
    response = clients(owner, buyer, outsider, operator)[who].get(reverse(page, args=[listing.pk]))
    assert response.status_code == expected[ROLES.index(who)]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ROLES)
def test_the_new_listing_page(who: str, owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    response = clients(owner, buyer, outsider, operator)[who].get(reverse("listings:new"))
    expected = {"anonymous": reverse("accounts:login"), "operator": reverse("web:my_organisation")}
    if who in expected:
        assert (response.status_code, response["Location"].split("?")[0]) == (302, expected[who])
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("prepare", "name", "form"),
    [
        (draft, "submit", {}),
        (draft, "delete", {}),
        (submitted, "recall", {}),
        (submitted, "approve", {"note": ""}),
        (submitted, "reject", {"reason": "请补充许可条款"}),
        (published, "withdraw", {"reason": ""}),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
@pytest.mark.parametrize("who", ["anonymous", "buyer", "outsider"])
def test_buttons_pressed_by_others_change_nothing(prepare: Any, name: str, form: dict[str, str], who: str,
                                                  owner: Member, buyer: Member, outsider: Member,
                                                  operator: User) -> None:
    listing = prepare(owner, operator)
    before = snapshot(listing.pk)
    response = act(clients(owner, buyer, outsider, operator)[who], listing, name, **form)
    if who == "anonymous":
        assert landed(response).startswith(reverse("accounts:login"))
    elif not listing.is_public and name not in ("approve", "reject"):
        # Others do not learn of a listing they may not see, by pressing its buttons either.
        assert response.status_code == 404
    else:
        assert landed(response) == reverse("listings:detail", args=[listing.pk])
        assert messages_of(response) == ["You are not a member of this organisation."
                                         if name not in ("approve", "reject") else
                                         "Only operators may review listings."]
    assert snapshot(listing.pk) == before


def test_an_unknown_action_is_refused(owner: Member, operator: User) -> None:
    listing = draft(owner, operator)
    before = snapshot(listing.pk)
    assert act(owner.client, listing, "expire").status_code == 403
    assert act(owner.client, listing, "sell").status_code == 403
    assert snapshot(listing.pk) == before


# --- The workflow through the pages --------------------------------------------------------------

def test_the_whole_review_through_the_pages(owner: Member, operator: User) -> None:
    operator_client = Client()
    sign_in(operator_client, operator)
    patent = PatentFactory.create(asset__holder=owner.organisation)
    response = owner.client.post(reverse("listings:new"), listing_form(patent.pk))
    listing = Listing.objects.get()
    detail = reverse("listings:detail", args=[listing.pk])
    assert response["Location"] == detail

    response = owner.client.post(reverse("listings:edit", args=[listing.pk]),
                                 listing_form(patent.pk, title="钠离子电池正极材料专利"))
    assert response["Location"] == detail
    assert history(listing) == [("create", "", "draft")]  # edits of a draft are not recorded
    assert messages_of(act(owner.client, listing, "submit")) == ["Submitted for review."]

    refused = act(operator_client, listing, "reject", reason="  ")
    assert messages_of(refused) == ["Say what the seller must change; they see this note."]
    listing.refresh_from_db()
    assert listing.status == "submitted"
    assert messages_of(act(operator_client, listing, "reject", reason="请写明专利号")) == ["Sent back to the seller."]
    page = owner.client.get(detail).content.decode()
    assert "请写明专利号" in page  # the operator's note, shown to the seller

    act(owner.client, listing, "submit")
    assert messages_of(act(operator_client, listing, "approve", note="资料齐全")) == ["Published."]
    listing.refresh_from_db()
    assert (listing.status, listing.review_note, listing.expires_on) == (
        "published", "资料齐全", timezone.localdate() + timedelta(days=365))

    words = listing_form(patent.pk, title="钠离子电池正极材料专利", description="适用于储能电站。")
    response = owner.client.post(reverse("listings:edit", args=[listing.pk]), words)
    assert response["Location"] == detail
    assert messages_of(act(owner.client, listing, "withdraw", reason="已签约")) == ["Withdrawn."]
    assert messages_of(act(owner.client, listing, "reopen")) == ["Back to draft; edit it and submit again."]
    refused = act(owner.client, listing, "delete")
    assert messages_of(refused) == ["Only drafts that were never published can be deleted; withdraw it instead."]
    assert Listing.objects.filter(pk=listing.pk).exists()

    assert history(listing) == [
        ("create", "", "draft"), ("submit", "draft", "submitted"), ("reject", "submitted", "draft"),
        ("submit", "draft", "submitted"), ("approve", "submitted", "published"), ("edit", "published", "published"),
        ("withdraw", "published", "withdrawn"), ("reopen", "withdrawn", "draft")]
    page = owner.client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page[page.index('id="listing-history"'):]
    assert [text in table for text in ("edited", "已签约", "资料齐全", "Withdrawn → Draft", "owner@example.com")] == [
        True] * 5


def test_a_draft_never_published_is_deleted_from_its_page(owner: Member, operator: User) -> None:
    listing = draft(owner, operator)
    response = act(owner.client, listing, "delete")
    assert landed(response) == reverse("web:my_organisation")
    assert messages_of(response) == ["Deleted."]
    assert not Listing.objects.filter(pk=listing.pk).exists()


def test_a_submitted_listing_is_recalled_from_its_page(owner: Member, operator: User) -> None:
    listing = submitted(owner, operator)
    assert messages_of(act(owner.client, listing, "recall")) == ["Back to draft; edit it and submit again."]
    assert history(listing)[-1] == ("recall", "submitted", "draft")


def test_the_seller_is_told_why_a_draft_cannot_be_submitted(owner: Member, operator: User) -> None:
    listing = draft(owner, operator)
    listing.asset_links.all().delete()
    page = owner.client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert "Add at least one asset before submitting." in page
    assert reverse("listings:action", args=[listing.pk, "submit"]) not in page


def test_expiry_by_the_daily_command_shows_in_the_readers_language(owner: Member, operator: User) -> None:
    listing = published(owner, operator)
    Listing.objects.filter(pk=listing.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    output = io.StringIO()
    call_command("expire_listings", stdout=output)
    assert output.getvalue() == "expired 1 listing(s)\n"
    listing.refresh_from_db()
    assert listing.status == "expired"
    detail = reverse("listings:detail", args=[listing.pk])
    english = owner.client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = owner.client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "The offer period ended." in english and "Published → Expired" in english
    assert "挂牌期已结束。" in chinese and "The offer period ended." not in chinese


def test_the_history_is_for_the_sellers_members_and_operators(owner: Member, buyer: Member, outsider: Member,
                                                               operator: User) -> None:
    listing = published(owner, operator)
    ListingEvent.objects.create(listing=listing, from_status="published", to_status="published", note="旧的说明")
    every = clients(owner, buyer, outsider, operator)
    shown = {who: "旧的说明" in every[who].get(reverse("listings:detail", args=[listing.pk])).content.decode()
             for who in ROLES}
    assert shown == {"anonymous": False, "owner": True, "buyer": False, "outsider": False, "operator": True}
