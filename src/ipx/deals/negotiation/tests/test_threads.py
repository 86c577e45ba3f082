"""Threads: inquiries, messages with attachments, agents, closing — and every refusal
changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from ipx.accounts.models import Membership, Organisation, User
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.deals.models import Attachment, Message, Offer, OfferEvent, Thread, ThreadAgent, ThreadEvent
from ipx.deals.negotiation import messages, offers, threads
from ipx.deals.negotiation.tests.conftest import offer_terms, pdf_bytes, png_bytes, published_listing, upload
from ipx.deals.timeline import offer_event_text
from ipx.listings.models import Listing
from ipx.notifications.models import Notification
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory, listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def notified(verb: str) -> list[str]:
    return sorted(Notification.objects.filter(verb=verb).values_list("user__email", flat=True))


def stored_files() -> list[Path]:
    root = Path(settings.IPX_PRIVATE_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def snapshot() -> dict[str, Any]:
    return {
        "threads": list(Thread.objects.order_by("pk").values_list("pk", "status", "last_activity_at")),
        "messages": Message.objects.count(), "attachments": Attachment.objects.count(),
        "agents": ThreadAgent.objects.count(), "offers": list(Offer.objects.values_list("pk", "status")),
        "events": OfferEvent.objects.count(), "thread_events": ThreadEvent.objects.count(),
        "files": stored_files(),
    }


# --- Opening a thread --------------------------------------------------------------------------

def test_an_inquiry_opens_the_thread_with_the_first_message(listing: Listing, owner: Member, buyer: Member) -> None:
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                  message="  请问可以独占许可吗？ ")

    assert (thread.listing, thread.buyer, thread.seller, thread.subject, thread.status, thread.created_by) == (
        listing, buyer.organisation, owner.organisation, listing.title, "open", buyer.user)
    message = thread.messages.get()
    assert (message.author, message.organisation, message.body) == (
        buyer.user, buyer.organisation, "请问可以独占许可吗？")
    assert notified("thread.inquiry") == ["owner@example.com"]
    assert Notification.objects.get(verb="thread.inquiry").url == f"/negotiations/{thread.pk}/"


def test_a_second_inquiry_reuses_the_thread_and_reopens_it(thread: Thread, buyer: Member, owner: Member) -> None:
    threads.thread_close(thread_id=thread.pk, actor=owner.user)

    again = threads.thread_open(listing_id=thread.listing_id, actor=buyer.user,
                                 organisation_id=buyer.organisation.pk, message="还有一个问题")

    assert again.pk == thread.pk
    assert Thread.objects.count() == 1
    assert Thread.objects.get().status == "open"
    assert list(thread.messages.values_list("body", flat=True)) == ["请问这项专利可以独占许可吗？", "还有一个问题"]


def test_the_thread_history_records_opening_closing_and_opening_again(listing: Listing, buyer: Member,
                                                                      owner: Member) -> None:
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                 message="你好")
    threads.thread_close(thread_id=thread.pk, actor=owner.user, reason="已与他方成交")
    threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                        message="重新询价")

    assert list(thread.events.values_list("verb", "from_status", "to_status", "actor", "acting_for", "note",
                                          "params")) == [
        ("open", "", "open", buyer.user.pk, buyer.organisation.pk, "", {}),
        ("close", "open", "closed", owner.user.pk, owner.organisation.pk, "已与他方成交", {}),
        ("reopen", "closed", "open", buyer.user.pk, buyer.organisation.pk, "", {}),
    ]
    # The seller hears of the renewed inquiry as of a message, worded as an inquiry.
    notice = Notification.objects.get(verb="message.posted")
    assert (notice.params, notice.title, notice.body) == (
        {"title": listing.title, "writer": buyer.organisation.name, "text": "重新询价", "files": 0, "inquiry": True},
        f"New inquiry about “{listing.title}”", f"{buyer.organisation.name} wrote: 重新询价")


@pytest.mark.parametrize(("status", "error"), [
    (Listing.Status.DRAFT, NotFound),
    (Listing.Status.SUBMITTED, NotFound),
    (Listing.Status.WITHDRAWN, NotFound),
    (Listing.Status.RESERVED, Conflict),
    (Listing.Status.SOLD, Conflict),
])
def test_no_inquiry_on_a_listing_that_is_not_on_offer(owner: Member, buyer: Member, status: str,
                                                        error: type[Exception]) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, status=status)

    with pytest.raises(error):
        threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                             message="你好")

    assert snapshot()["threads"] == []
    assert Message.objects.count() == 0


def test_no_inquiry_on_ones_own_listing(listing: Listing, owner: Member) -> None:
    with pytest.raises(PermissionDenied, match="your own organisation's listing"):
        threads.thread_open(listing_id=listing.pk, actor=owner.user, organisation_id=owner.organisation.pk,
                             message="你好")
    assert Thread.objects.count() == 0


def test_no_inquiry_from_an_unverified_organisation_or_for_someone_elses(listing: Listing, buyer: Member,
                                                                          outsider: Member) -> None:
    pending = MembershipFactory.create(user=buyer.user, organisation=OrganisationFactory.create(
        status=Organisation.Status.PENDING, name="待审核公司")).organisation

    with pytest.raises(PermissionDenied, match="not verified yet"):
        threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=pending.pk, message="你好")
    with pytest.raises(PermissionDenied, match="not a member"):
        threads.thread_open(listing_id=listing.pk, actor=outsider.user, organisation_id=buyer.organisation.pk,
                             message="你好")
    assert Thread.objects.count() == 0


@pytest.mark.parametrize(("message", "text"), [("  ", "Write a message"), ("字" * 10_001, "Too long")])
def test_an_inquiry_needs_a_message(listing: Listing, buyer: Member, message: str, text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                             message=message)
    assert text in refused.value.fields["body"]
    assert Thread.objects.count() == 0


# --- Messages --------------------------------------------------------------------------------

def test_a_message_with_attachments_notifies_the_other_side(thread: Thread, owner: Member, buyer: Member,
                                                            buyer_agent: Member) -> None:
    before = Thread.objects.get().last_activity_at
    pdf = pdf_bytes()

    message = messages.message_post(thread_id=thread.pk, actor=owner.user, body="附上权利要求书和附图。",
                                    files=[upload("claims.pdf", pdf), upload("fig 1.png", png_bytes())])

    assert (message.author, message.organisation, message.body) == (owner.user, owner.organisation,
                                                                     "附上权利要求书和附图。")
    rows = list(message.attachments.values_list("original_name", "content_type", "extension", "size"))
    assert rows == [("claims.pdf", "application/pdf", ".pdf", len(pdf)),
                    ("fig 1.png", "image/png", ".png", len(png_bytes()))]
    first = message.attachments.first()
    assert first is not None
    assert re.fullmatch(rf"attachments/{timezone.now():%Y/%m}/[0-9a-f]{{32}}\.pdf", first.file.name)
    with first.file.open("rb") as handle:
        assert handle.read() == pdf
    assert Thread.objects.get().last_activity_at > before
    # The buyer and its agent hear of it; the seller, who wrote, does not.
    assert notified("message.posted") == ["agent@example.com", "buyer@example.com"]


def test_a_file_alone_is_a_message_but_nothing_is_not(thread: Thread, buyer: Member) -> None:
    message = messages.message_post(thread_id=thread.pk, actor=buyer.user, body="",
                                    files=[upload("spec.pdf", pdf_bytes())])
    assert (message.body, message.attachments.count()) == ("", 1)

    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        messages.message_post(thread_id=thread.pk, actor=buyer.user, body=" ")
    assert refused.value.fields == {"body": "Write a message or attach a file."}
    assert snapshot() == before


def test_a_bad_attachment_refuses_the_whole_message(thread: Thread, buyer: Member) -> None:
    before = snapshot()

    with pytest.raises(ValidationFailed) as refused:
        messages.message_post(thread_id=thread.pk, actor=buyer.user, body="见附件",
                              files=[upload("ok.pdf", pdf_bytes()), upload("report.pdf", png_bytes())])

    assert refused.value.fields == {"files": "report.pdf is not a PDF file."}
    assert snapshot() == before


def test_operators_and_agents_read_and_post(thread: Thread, operator: User, buyer_agent: Member) -> None:
    by_operator = messages.message_post(thread_id=thread.pk, actor=operator, body="请双方注意保密义务。")
    by_agent = messages.message_post(thread_id=thread.pk, actor=buyer_agent.user, body="我方代理人意见如下。")

    assert (by_operator.organisation, by_agent.organisation) == (None, buyer_agent.organisation)
    # The operator's message goes to both sides; the agent's to the seller only.
    assert notified("message.posted") == ["agent@example.com", "buyer@example.com", "owner@example.com",
                                          "owner@example.com"]
    # The operator writes for no organisation: the notice names the operator in the reader's words.
    by_operator_notice = Notification.objects.filter(verb="message.posted", params__writer="").first()
    assert by_operator_notice is not None
    assert by_operator_notice.body == "The exchange operator wrote: 请双方注意保密义务。"


def test_an_outsider_cannot_post_or_learn_the_thread_exists(thread: Thread, outsider: Member) -> None:
    before = snapshot()
    with pytest.raises(NotFound, match="No such negotiation"):
        messages.message_post(thread_id=thread.pk, actor=outsider.user, body="hello")
    with pytest.raises(NotFound, match="No such negotiation"):
        messages.message_post(thread_id=thread.pk + 1000, actor=outsider.user, body="hello")
    assert snapshot() == before


def test_no_messages_in_a_closed_thread(thread: Thread, buyer: Member) -> None:
    threads.thread_close(thread_id=thread.pk, actor=buyer.user)
    before = snapshot()
    with pytest.raises(Conflict, match="closed"):
        messages.message_post(thread_id=thread.pk, actor=buyer.user, body="还在吗？")
    assert snapshot() == before


# --- Agents ----------------------------------------------------------------------------------

def test_a_party_admin_adds_an_agency_for_its_side(thread: Thread, owner: Member, agency: Member) -> None:
    agent = threads.thread_agent_add(thread_id=thread.pk, actor=owner.user, organisation_id=agency.organisation.pk)

    assert (agent.organisation, agent.side, agent.added_by) == (agency.organisation, "seller", owner.user)
    assert notified("thread.agent_added") == ["agent@example.com", "buyer@example.com"]


def test_who_may_add_which_agent(thread: Thread, buyer: Member, owner: Member, agency: Member, outsider: Member,
                                 operator: User) -> None:
    colleague = MembershipFactory.create(organisation=buyer.organisation, role=Membership.Role.MEMBER).user
    enterprise = outsider.organisation
    pending_agency = OrganisationFactory.create(kind=Organisation.Kind.AGENCY, status=Organisation.Status.PENDING)
    before = snapshot()

    with pytest.raises(PermissionDenied, match="administrator"):
        threads.thread_agent_add(thread_id=thread.pk, actor=colleague, organisation_id=agency.organisation.pk)
    with pytest.raises(PermissionDenied, match="administrator"):
        threads.thread_agent_add(thread_id=thread.pk, actor=operator, organisation_id=agency.organisation.pk)
    with pytest.raises(NotFound):
        threads.thread_agent_add(thread_id=thread.pk, actor=outsider.user, organisation_id=agency.organisation.pk)
    with pytest.raises(ValidationFailed, match="not an IP service agency"):
        threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=enterprise.pk)
    with pytest.raises(ValidationFailed, match="not verified"):
        threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=pending_agency.pk)
    with pytest.raises(ValidationFailed, match="No such organisation"):
        threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=99_999)
    assert snapshot() == before

    threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=agency.organisation.pk)
    with pytest.raises(Conflict, match="already acts"):
        threads.thread_agent_add(thread_id=thread.pk, actor=owner.user, organisation_id=agency.organisation.pk)
    assert list(ThreadAgent.objects.values_list("side", flat=True)) == ["buyer"]


def test_an_agent_cannot_add_agents_and_a_party_admin_removes_its_own(thread: Thread, buyer: Member, owner: Member,
                                                                      buyer_agent: Member) -> None:
    other = OrganisationFactory.create(kind=Organisation.Kind.AGENCY)
    with pytest.raises(PermissionDenied):
        threads.thread_agent_add(thread_id=thread.pk, actor=buyer_agent.user, organisation_id=other.pk)
    with pytest.raises(NotFound, match="No such agent for your side"):
        threads.thread_agent_remove(thread_id=thread.pk, actor=owner.user,
                                     organisation_id=buyer_agent.organisation.pk)

    threads.thread_agent_remove(thread_id=thread.pk, actor=buyer.user, organisation_id=buyer_agent.organisation.pk)

    assert ThreadAgent.objects.count() == 0
    with pytest.raises(NotFound):
        messages.message_post(thread_id=thread.pk, actor=buyer_agent.user, body="还在吗")


# --- Closing ---------------------------------------------------------------------------------

def test_closing_withdraws_the_open_offer(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())

    threads.thread_close(thread_id=thread.pk, actor=owner.user, reason="已与他方成交")

    thread.refresh_from_db()
    offer.refresh_from_db()
    assert (thread.status, offer.status) == ("closed", "withdrawn")
    assert list(offer.events.values_list("from_status", "to_status", "actor", "note", "params")) == [
        ("", "open", buyer.user.pk, "", {}), ("open", "withdrawn", owner.user.pk, "", {"cause": "thread_closed"})]
    assert offer_event_text(offer.events.latest("pk")) == "The negotiation was closed."
    assert notified("thread.closed") == ["buyer@example.com"]


def test_who_may_close(thread: Thread, buyer_agent: Member, outsider: Member, operator: User) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        threads.thread_close(thread_id=thread.pk, actor=buyer_agent.user)
    with pytest.raises(NotFound):
        threads.thread_close(thread_id=thread.pk, actor=outsider.user)
    assert snapshot() == before

    threads.thread_close(thread_id=thread.pk, actor=operator)
    with pytest.raises(InvalidTransition, match="already closed"):
        threads.thread_close(thread_id=thread.pk, actor=operator)
    assert Thread.objects.get().status == "closed"


def test_last_activity_orders_my_threads(owner: Member, buyer: Member, outsider: Member) -> None:
    from ipx.deals.negotiation import selectors

    first = published_listing(owner)
    second = published_listing(owner)
    a = threads.thread_open(listing_id=first.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                             message="A")
    b = threads.thread_open(listing_id=second.pk, actor=outsider.user, organisation_id=outsider.organisation.pk,
                             message="B")
    Thread.objects.filter(pk=b.pk).update(last_activity_at=timezone.now() - timedelta(hours=1))
    messages.message_post(thread_id=a.pk, actor=owner.user, body="收到")

    assert list(selectors.threads_of(owner.user)) == [a, b]
    assert list(selectors.threads_of(buyer.user)) == [a]
    assert list(selectors.threads_of(outsider.user)) == [b]
    assert list(selectors.threads_of(UserFactory.create())) == []
