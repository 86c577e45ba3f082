"""Who may use which negotiation endpoint, API and pages alike.

The cast: the outsider (a verified member of an unrelated organisation), the buyer and the
seller (the two parties), the agent (an agency acting for the buyer) and the operator. In
the thread they share, the seller has made the open offer to the buyer. Outsiders get 404
for anything in a thread; listing documents are behind an NDA nobody has accepted yet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import Organisation, User
from ipx.deals.models import Offer, Thread
from ipx.deals.negotiation import messages, offers, threads
from ipx.deals.negotiation.tests.conftest import offer_terms, pdf_bytes, png_bytes, published_listing, terms, upload
from ipx.listings import documents
from ipx.testing.factories import OrganisationFactory
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.once]

ROLES = ("outsider", "buyer", "seller", "agent", "operator")


@dataclass
class World:
    clients: dict[str, Client]
    members: dict[str, Member]
    thread: Thread
    offer: Offer
    attachment: int
    listing: int
    document: int
    other_agency: Organisation

    def ids(self) -> dict[str, int]:
        return {"thread": self.thread.pk, "offer": self.offer.pk, "attachment": self.attachment,
                "listing": self.listing, "document": self.document, "agency": self.other_agency.pk}

    def own_organisation(self, role: str) -> int:
        # The operator belongs to no organisation; it names the buyer's and is refused.
        member = self.members.get(role)
        return member.organisation.pk if member else self.members["buyer"].organisation.pk


@pytest.fixture
def world(owner: Member, buyer: Member, outsider: Member, agency: Member, operator: User,
          operator_client: Client) -> World:
    listing = published_listing(owner, requires_nda=True, nda_text="保密")
    document = documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="报告",
                                              file=upload("report.pdf", pdf_bytes()))
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                  message="询价")
    threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=agency.organisation.pk)
    message = messages.message_post(thread_id=thread.pk, actor=owner.user, body="见附件",
                                    files=[upload("fig.png", png_bytes())])
    offer = offers.offer_make(thread_id=thread.pk, actor=owner.user, terms=offer_terms())
    attachment = message.attachments.get()
    members = {"outsider": outsider, "buyer": buyer, "seller": owner, "agent": agency}
    clients = {role: member.client for role, member in members.items()} | {"operator": operator_client}
    return World(clients=clients, members=members, thread=thread, offer=offer, attachment=attachment.pk,
                 listing=listing.pk, document=document.pk,
                 other_agency=OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="第二代理所"))


def expect(outsider: int, buyer: int, seller: int, agent: int, operator: int) -> dict[str, int]:
    return dict(zip(ROLES, (outsider, buyer, seller, agent, operator), strict=True))


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # formatted with World.ids()
    expected: dict[str, int]
    body: Callable[[World, str], dict[str, Any]] | None = None
    multipart: bool = False
    setup: Callable[[World], None] | None = None


def _withdraw_the_offer(world: World) -> None:
    offers.offer_withdraw(offer_id=world.offer.pk, actor=world.members["seller"].user)


API = [
    Case("list threads", "get", "/threads", expect(200, 200, 200, 200, 200)),
    Case("open a thread", "post", "/threads", expect(201, 201, 403, 201, 403),
         body=lambda w, role: {"listing_id": w.listing, "organisation_id": w.own_organisation(role), "message": "?"}),
    Case("read a thread", "get", "/threads/{thread}", expect(404, 200, 200, 200, 200)),
    Case("close a thread", "post", "/threads/{thread}/close", expect(404, 200, 200, 403, 200),
         body=lambda w, role: {"reason": ""}),
    Case("add an agent", "post", "/threads/{thread}/agents", expect(404, 201, 201, 403, 403),
         body=lambda w, role: {"organisation_id": w.other_agency.pk}),
    Case("list messages", "get", "/threads/{thread}/messages", expect(404, 200, 200, 200, 200)),
    Case("post a message", "post", "/threads/{thread}/messages", expect(404, 201, 201, 201, 201),
         body=lambda w, role: {"body": "你好", "files": upload("a.pdf", pdf_bytes())}, multipart=True),
    Case("download an attachment", "get", "/attachments/{attachment}", expect(404, 200, 200, 200, 200)),
    Case("list offers", "get", "/threads/{thread}/offers", expect(404, 200, 200, 200, 200)),
    Case("make an offer", "post", "/threads/{thread}/offers", expect(404, 201, 201, 201, 403),
         body=lambda w, role: terms(), setup=_withdraw_the_offer),
    Case("read an offer", "get", "/offers/{offer}", expect(404, 200, 200, 200, 200)),
    Case("counter", "post", "/offers/{offer}/counter", expect(404, 201, 403, 201, 403),
         body=lambda w, role: terms(price_amount="90000")),
    Case("withdraw", "post", "/offers/{offer}/withdraw", expect(404, 403, 200, 403, 403),
         body=lambda w, role: {"reason": ""}),
    Case("reject", "post", "/offers/{offer}/reject", expect(404, 200, 403, 200, 403),
         body=lambda w, role: {"reason": "太贵"}),
    Case("accept", "post", "/offers/{offer}/accept", expect(404, 200, 403, 403, 403)),
    Case("list documents", "get", "/listings/{listing}/documents", expect(200, 200, 200, 200, 200)),
    Case("upload a document", "post", "/listings/{listing}/documents", expect(403, 403, 201, 403, 403),
         body=lambda w, role: {"title": "图", "file": upload("b.png", png_bytes())}, multipart=True),
    Case("download a document", "get", "/listings/{listing}/documents/{document}", expect(403, 403, 200, 403, 200)),
    Case("delete a document", "delete", "/listings/{listing}/documents/{document}", expect(403, 403, 204, 403, 403)),
    Case("accept the NDA", "post", "/listings/{listing}/nda", expect(200, 200, 409, 200, 403),
         body=lambda w, role: {"organisation_id": w.own_organisation(role)}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=[case.name for case in API])
def test_api_access(world: World, case: Case, role: str) -> None:
    if case.setup:
        case.setup(world)
    client = world.clients[role]
    path = "/api/v1" + case.path.format(**world.ids())
    body = case.body(world, role) if case.body else None
    if case.method == "get":
        response = client.get(path)
    elif case.multipart:
        response = client.post(path, body or {})
    else:
        response = getattr(client, case.method)(path, data=json.dumps(body) if body is not None else None,
                                                content_type="application/json")

    assert response.status_code == case.expected[role], response.content[:300]
    if response.status_code == 404:
        assert response.json()["error"]["code"] == "not_found"


def test_outsiders_see_no_threads_in_their_list(world: World) -> None:
    counts = {role: world.clients[role].get("/api/v1/threads").json()["count"] for role in ROLES}
    assert counts == expect(0, 1, 1, 1, 1)


PAGES = [
    Case("my negotiations", "get", "negotiation:list", expect(200, 200, 200, 200, 200)),
    Case("thread page", "get", "negotiation:thread {thread}", expect(404, 200, 200, 200, 200)),
    Case("conversation fragment", "get", "negotiation:messages {thread}", expect(404, 200, 200, 200, 200)),
    Case("post a message", "post", "negotiation:messages {thread}", expect(404, 302, 302, 302, 302),
         body=lambda w, role: {"body": "你好"}),
    Case("add an agent", "post", "negotiation:agent_add {thread}", expect(404, 302, 302, 302, 302),
         body=lambda w, role: {"organisation_id": w.other_agency.pk}),
    Case("remove an agent", "post", "negotiation:agent_remove {thread} {agent_org}", expect(404, 302, 302, 302, 302)),
    Case("close", "post", "negotiation:close {thread}", expect(404, 302, 302, 302, 302)),
    Case("offer form", "get", "negotiation:offer_new {thread}", expect(404, 200, 200, 200, 200)),
    Case("counter form", "get", "negotiation:offer_counter {offer}", expect(404, 200, 200, 200, 200)),
    Case("accept", "post", "negotiation:offer_action {offer} accept", expect(404, 302, 302, 302, 302)),
    Case("reject", "post", "negotiation:offer_action {offer} reject", expect(404, 302, 302, 302, 302)),
    Case("withdraw", "post", "negotiation:offer_action {offer} withdraw", expect(404, 302, 302, 302, 302)),
    Case("attachment", "get", "negotiation:attachment {attachment}", expect(404, 200, 200, 200, 200)),
    Case("listing panel", "get", "negotiation:listing_panel {listing}", expect(200, 200, 200, 200, 200)),
    Case("inquire", "post", "negotiation:inquire {listing}", expect(302, 302, 400, 302, 400),
         body=lambda w, role: {"message": "请报价"}),
    Case("accept the NDA", "post", "listing_documents:nda_accept {listing}", expect(302, 302, 302, 302, 302)),
    Case("document", "get", "listing_documents:download {document}", expect(403, 403, 200, 403, 200)),
    Case("manage documents", "get", "listings:documents {listing}", expect(403, 403, 200, 403, 403)),
    Case("delete a document", "post", "listings:document_delete {listing} {document}",
         expect(302, 302, 302, 302, 302)),
]


def _url(spec: str, world: World) -> str:
    name, *args = spec.split(" ")
    ids = world.ids() | {"agent_org": world.members["agent"].organisation.pk}
    return reverse(name, args=[arg.format(**ids) if arg.startswith("{") else arg for arg in args])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_access(world: World, case: Case, role: str) -> None:
    client = world.clients[role]
    url = _url(case.path, world)
    body = case.body(world, role) if case.body else {}
    response = client.get(url) if case.method == "get" else client.post(url, body)

    assert response.status_code == case.expected[role]


def test_pages_need_a_login(world: World) -> None:
    anonymous = Client()
    for case in PAGES:
        if case.path.startswith("negotiation:listing_panel"):
            continue  # the listing panel invites anonymous readers to log in
        url = _url(case.path, world)
        response = anonymous.get(url) if case.method == "get" else anonymous.post(url, {})
        assert response.status_code == 302, case.name
        assert response["Location"].startswith("/accounts/login/"), case.name
    assert Client().get(_url(PAGES[13].path, world)).status_code == 200
    assert Client().get("/api/v1/threads").status_code == 401
