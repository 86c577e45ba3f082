"""Offers: full terms, every transition with its event row, expiry, and refusals that
change nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.deals.models import Deal, Offer, OfferEvent, Thread
from ipx.deals.negotiation import offers, threads
from ipx.deals.negotiation.tests.conftest import make_offer as make
from ipx.deals.negotiation.tests.conftest import offer_state as state
from ipx.deals.negotiation.tests.conftest import offer_terms, published_listing
from ipx.listings.models import Listing
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def history(offer: Offer) -> list[tuple[str, str, int | None, str]]:
    return list(offer.events.order_by("pk").values_list("from_status", "to_status", "actor", "note"))


def notified(verb: str) -> list[str]:
    return sorted(Notification.objects.filter(verb=verb).values_list("user__email", flat=True))


def lapse(offer: Offer) -> None:
    """The offer's time runs out without the periodic run having marked it yet."""
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


# --- Making offers -----------------------------------------------------------------------------

def test_the_buyer_makes_an_offer(thread: Thread, buyer: Member, owner: Member) -> None:
    before = timezone.now()

    offer = make(thread, buyer, notes="含技术资料交付")

    assert (offer.from_organisation, offer.to_organisation, offer.status, offer.created_by) == (
        buyer.organisation, owner.organisation, "open", buyer.user)
    assert (offer.kind, offer.commitment, offer.price_amount, offer.currency, offer.payment_structure) == (
        "transfer", "concluded", Decimal("100000.00"), "CNY", "lump_sum")
    assert (offer.notes, offer.royalty_percent, offer.licence_exclusivity, offer.trial_months) == (
        "含技术资料交付", None, "", None)
    assert timedelta(days=14) <= offer.expires_at - before < timedelta(days=14, seconds=30)
    assert history(offer) == [("", "open", buyer.user.pk, "")]
    assert notified("offer.received") == ["owner@example.com"]


def test_a_licence_with_a_running_royalty(thread: Thread, owner: Member) -> None:
    day = timezone.localdate() + timedelta(days=30)

    offer = make(thread, owner, kind="licence", licence_exclusivity="exclusive", licence_territory="粤港澳大湾区",
                 licence_field="新能源汽车", licence_term_months="60", payment_structure="royalty",
                 royalty_percent="3.5", commitment="intended", expires_at=day.isoformat())

    offer.refresh_from_db()
    assert (offer.kind, offer.licence_exclusivity, offer.licence_territory, offer.licence_field,
            offer.licence_term_months) == ("licence", "exclusive", "粤港澳大湾区", "新能源汽车", 60)
    assert (offer.payment_structure, offer.royalty_percent, offer.commitment) == ("royalty", Decimal("3.50"),
                                                                                  "intended")
    assert (offer.from_organisation, offer.to_organisation) == (thread.seller, thread.buyer)
    # A date means the end of that day at the exchange.
    assert timezone.localtime(offer.expires_at).replace(tzinfo=None) == datetime.combine(day, time(23, 59, 59))


def test_an_agent_makes_an_offer_for_its_side(thread: Thread, buyer_agent: Member, owner: Member) -> None:
    offer = make(thread, buyer_agent)
    assert (offer.from_organisation, offer.to_organisation, offer.created_by) == (
        thread.buyer, owner.organisation, buyer_agent.user)


@pytest.mark.parametrize("status", [Listing.Status.RESERVED, Listing.Status.WITHDRAWN, Listing.Status.SOLD,
                                    Listing.Status.EXPIRED])
def test_no_offer_once_the_listing_is_off_the_market(thread: Thread, buyer: Member, status: str) -> None:
    Listing.objects.filter(pk=thread.listing_id).update(status=status)
    before = state()

    with pytest.raises(Conflict, match="no longer on offer"):
        make(thread, buyer)

    assert state() == before


def test_one_open_offer_per_thread(thread: Thread, buyer: Member, owner: Member) -> None:
    make(thread, buyer)
    before = state()

    with pytest.raises(Conflict, match="already open"):
        make(thread, owner)
    with pytest.raises(Conflict, match="already open"):
        make(thread, buyer)

    assert state() == before


def test_who_may_make_offers(thread: Thread, outsider: Member, operator: User) -> None:
    before = state()
    with pytest.raises(NotFound):
        make(thread, outsider)
    with pytest.raises(PermissionDenied, match="Only the buyer, the seller or their agents"):
        offers.offer_make(thread_id=thread.pk, actor=operator, terms=offer_terms())
    assert state() == before


def test_an_expired_open_offer_is_marked_before_a_new_one_is_made(thread: Thread, buyer: Member,
                                                                   owner: Member) -> None:
    old = make(thread, buyer)
    lapse(old)

    new = make(thread, owner)

    old.refresh_from_db()
    assert (old.status, new.status) == ("expired", "open")
    assert [(f, t, a) for f, t, a, _note in history(old)] == [("", "open", buyer.user.pk), ("open", "expired", None)]


def test_the_offer_is_told_with_what_the_sentence_needs(thread: Thread, buyer: Member, owner: Member) -> None:
    make(thread, buyer)

    notice = Notification.objects.get(verb="offer.received")
    # Stored as data, put into words when read: no text of the moment it was sent.
    assert (notice.params, notice.stored_title, notice.stored_body) == (
        {"title": thread.subject, "maker": buyer.organisation.name, "amount": "100000.00", "currency": "CNY"},
        "", "")
    assert (notice.title, notice.body) == (f"New offer on “{thread.subject}”",
                                           f"{buyer.organisation.name} offers 100,000.00 CNY.")


def test_each_step_is_recorded_by_its_verb_and_for_whom(thread: Thread, buyer: Member, owner: Member,
                                                        buyer_agent: Member) -> None:
    first = make(thread, buyer)
    counter = offers.offer_counter(offer_id=first.pk, actor=owner.user, terms=offer_terms(price_amount="150000"))
    offers.offer_reject(offer_id=counter.pk, actor=buyer_agent.user, reason="太贵")
    again = make(thread, owner)
    offers.offer_withdraw(offer_id=again.pk, actor=owner.user)
    last = make(thread, buyer)
    lapse(last)
    offers.offers_expire_due()

    rows = OfferEvent.objects.order_by("pk").values_list("offer", "verb", "from_status", "to_status", "actor",
                                                          "acting_for", "note")
    assert list(rows) == [
        (first.pk, "make", "", "open", buyer.user.pk, buyer.organisation.pk, ""),
        (first.pk, "counter", "open", "countered", owner.user.pk, owner.organisation.pk, ""),
        (counter.pk, "make", "", "open", owner.user.pk, owner.organisation.pk, ""),
        (counter.pk, "reject", "open", "rejected", buyer_agent.user.pk, buyer_agent.organisation.pk, "太贵"),
        (again.pk, "make", "", "open", owner.user.pk, owner.organisation.pk, ""),
        (again.pk, "withdraw", "open", "withdrawn", owner.user.pk, owner.organisation.pk, ""),
        (last.pk, "make", "", "open", buyer.user.pk, buyer.organisation.pk, ""),
        (last.pk, "expire", "open", "expired", None, None, ""),
    ]
    last.refresh_from_db()
    assert OfferEvent.objects.get(offer=last, verb="expire").params == {
        "cause": "expired", "open_until": last.expires_at.isoformat()}


# --- Countering, withdrawing, rejecting -----------------------------------------------------------

def test_the_seller_counters(thread: Thread, buyer: Member, owner: Member, agency: Member) -> None:
    offer = make(thread, buyer)

    counter = offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms(price_amount="150000"))

    offer.refresh_from_db()
    assert offer.status == "countered"
    assert (counter.counter_to, counter.from_organisation, counter.to_organisation, counter.price_amount,
            counter.status) == (offer, owner.organisation, buyer.organisation, Decimal("150000.00"), "open")
    assert history(offer) == [("", "open", buyer.user.pk, ""), ("open", "countered", owner.user.pk, "")]
    assert history(counter) == [("", "open", owner.user.pk, "")]
    assert notified("offer.countered") == ["buyer@example.com"]

    # And the buyer's agent counters back.
    threads.thread_agent_add(thread_id=thread.pk, actor=buyer.user, organisation_id=agency.organisation.pk)
    again = offers.offer_counter(offer_id=counter.pk, actor=agency.user, terms=offer_terms(price_amount="120000"))
    assert (again.from_organisation, again.to_organisation, again.counter_to, again.created_by) == (
        buyer.organisation, owner.organisation, counter, agency.user)


def test_refused_counters_change_nothing(thread: Thread, buyer: Member, owner: Member, outsider: Member,
                                         operator: User) -> None:
    offer = make(thread, buyer)
    before = state()

    with pytest.raises(PermissionDenied, match="Only the seller, to whom this offer was made"):
        offers.offer_counter(offer_id=offer.pk, actor=buyer.user, terms=offer_terms())
    with pytest.raises(PermissionDenied):
        offers.offer_counter(offer_id=offer.pk, actor=operator, terms=offer_terms())
    with pytest.raises(NotFound, match="No such offer"):
        offers.offer_counter(offer_id=offer.pk, actor=outsider.user, terms=offer_terms())
    with pytest.raises(ValidationFailed):
        offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms(currency="HKD"))

    assert state() == before


def test_withdraw_by_the_maker_only(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer)
    with pytest.raises(PermissionDenied, match="Only the side that made"):
        offers.offer_withdraw(offer_id=offer.pk, actor=owner.user)

    offers.offer_withdraw(offer_id=offer.pk, actor=buyer.user, reason="预算调整")

    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert history(offer)[-1] == ("open", "withdrawn", buyer.user.pk, "预算调整")
    assert notified("offer.withdrawn") == ["owner@example.com"]


def test_reject_by_the_receiver_with_a_reason(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer)
    with pytest.raises(PermissionDenied, match="Only the seller"):
        offers.offer_reject(offer_id=offer.pk, actor=buyer.user)
    with pytest.raises(ValidationFailed, match="Too long"):
        offers.offer_reject(offer_id=offer.pk, actor=owner.user, reason="太" * 2001)
    assert Offer.objects.get().status == "open"

    offers.offer_reject(offer_id=offer.pk, actor=owner.user, reason="价格过低")

    offer.refresh_from_db()
    assert offer.status == "rejected"
    assert history(offer)[-1] == ("open", "rejected", owner.user.pk, "价格过低")
    assert notified("offer.rejected") == ["buyer@example.com"]
    assert Notification.objects.get(verb="offer.rejected").body == (
        "Your offer of 100,000.00 CNY was rejected: 价格过低")


@pytest.mark.parametrize("finish", ["withdraw", "reject", "counter"])
def test_nothing_follows_a_final_status(thread: Thread, buyer: Member, owner: Member, finish: str) -> None:
    offer = make(thread, buyer)
    if finish == "withdraw":
        offers.offer_withdraw(offer_id=offer.pk, actor=buyer.user)
    elif finish == "reject":
        offers.offer_reject(offer_id=offer.pk, actor=owner.user)
    else:
        offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms())
    before = state()
    closed = {"withdraw": "This offer was withdrawn.", "reject": "This offer was rejected.",
              "counter": "This offer was answered with a counter-offer."}[finish]

    with pytest.raises(InvalidTransition) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)
    assert refused.value.message == f"{closed} It can no longer be accepted."
    with pytest.raises(InvalidTransition, match="can no longer be rejected"):
        offers.offer_reject(offer_id=offer.pk, actor=owner.user)
    with pytest.raises(InvalidTransition, match="can no longer be withdrawn"):
        offers.offer_withdraw(offer_id=offer.pk, actor=buyer.user)
    with pytest.raises(InvalidTransition, match="can no longer be countered"):
        offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms())

    assert state() == before


def test_who_may_act_is_told_before_the_offers_status(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer)
    offers.offer_withdraw(offer_id=offer.pk, actor=buyer.user)
    before = state()

    with pytest.raises(PermissionDenied, match="Only the side that made an offer may withdraw it"):
        offers.offer_withdraw(offer_id=offer.pk, actor=owner.user)
    with pytest.raises(PermissionDenied, match="Only a member of"):
        offers.offer_accept(offer_id=offer.pk, actor=buyer.user)

    assert state() == before


# --- Accepting -------------------------------------------------------------------------------

def test_the_receiver_accepts_and_a_deal_is_made(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer, payment_structure="milestones", milestones=[
        {"title": "签约", "amount": "40000", "condition": "on_signing"},
        {"title": "登记", "amount": "60000", "condition": "on_recordal"}])

    deal = offers.offer_accept(offer_id=offer.pk, actor=owner.user)

    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert history(offer)[-1] == ("open", "accepted", owner.user.pk, "")
    assert (deal.offer_id, deal.buyer, deal.seller, deal.price_amount, deal.currency) == (
        offer.pk, buyer.organisation, owner.organisation, Decimal("100000.00"), "CNY")
    assert list(deal.milestones.values_list("title", "amount")) == [("签约", Decimal("40000.00")),
                                                                    ("登记", Decimal("60000.00"))]
    assert notified("offer.accepted") == ["buyer@example.com"]


def test_an_agent_cannot_accept(thread: Thread, owner: Member, buyer: Member, buyer_agent: Member) -> None:
    offer = make(thread, owner)
    before = state()

    with pytest.raises(PermissionDenied, match="An agent cannot accept an offer"):
        offers.offer_accept(offer_id=offer.pk, actor=buyer_agent.user)

    assert state() == before
    offers.offer_accept(offer_id=offer.pk, actor=buyer.user)
    assert Offer.objects.get().status == "accepted"


def test_others_cannot_accept(thread: Thread, buyer: Member, outsider: Member, operator: User) -> None:
    offer = make(thread, buyer)
    before = state()

    with pytest.raises(PermissionDenied, match="Only a member of"):
        offers.offer_accept(offer_id=offer.pk, actor=buyer.user)
    with pytest.raises(PermissionDenied, match="Only a member of"):
        offers.offer_accept(offer_id=offer.pk, actor=operator)
    with pytest.raises(NotFound, match="No such offer"):
        offers.offer_accept(offer_id=offer.pk, actor=outsider.user)
    with pytest.raises(NotFound, match="No such offer"):
        offers.offer_accept(offer_id=offer.pk + 100, actor=buyer.user)

    assert state() == before


def test_an_expired_offer_cannot_be_accepted_and_is_marked(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer)
    lapse(offer)

    with pytest.raises(Conflict) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)

    assert refused.value.status == 409
    assert refused.value.code == "offer_expired"
    assert "This offer expired on" in refused.value.message
    assert refused.value.message.endswith(". It can no longer be accepted.")
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert Deal.objects.count() == 0
    assert notified("offer.expired") == ["buyer@example.com"]


@pytest.mark.parametrize(("action", "by", "doing"), [
    ("withdraw", "buyer", "withdrawn"), ("reject", "seller", "rejected"), ("counter", "seller", "countered"),
    ("accept", "seller", "accepted"),
])
def test_any_action_on_a_lapsed_offer_marks_it_expired_first(thread: Thread, buyer: Member, owner: Member,
                                                              action: str, by: str, doing: str) -> None:
    offer = make(thread, buyer)
    lapse(offer)
    actor = (buyer if by == "buyer" else owner).user
    run = {
        "withdraw": lambda: offers.offer_withdraw(offer_id=offer.pk, actor=actor),
        "reject": lambda: offers.offer_reject(offer_id=offer.pk, actor=actor),
        "counter": lambda: offers.offer_counter(offer_id=offer.pk, actor=actor, terms=offer_terms()),
        "accept": lambda: offers.offer_accept(offer_id=offer.pk, actor=actor),
    }[action]

    with pytest.raises(Conflict, match=f"^This offer expired on .*\\. It can no longer be {doing}\\.$"):
        run()

    assert state()["offers"] == [(offer.pk, "expired", None)]
    assert [(f, t, a) for f, t, a, _note in history(offer)] == [("", "open", buyer.user.pk), ("open", "expired", None)]


def test_no_acceptance_once_the_listing_is_off_the_market(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = make(thread, buyer)
    Listing.objects.filter(pk=thread.listing_id).update(status=Listing.Status.WITHDRAWN)
    before = state()

    with pytest.raises(Conflict, match="no longer on offer"):
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)

    assert state() == before


# --- The periodic run --------------------------------------------------------------------------

def test_offers_expire_due(thread: Thread, owner: Member, buyer: Member) -> None:
    due = make(thread, buyer)
    lapse(due)
    other_listing = published_listing(owner)
    other_thread = threads.thread_open(listing_id=other_listing.pk, actor=buyer.user,
                                        organisation_id=buyer.organisation.pk, message="另一项")
    fresh = make(other_thread, buyer)

    assert offers.offers_expire_due() == 1
    assert offers.offers_expire_due() == 0

    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.status, fresh.status) == ("expired", "open")
    assert [(f, t, a) for f, t, a, _note in history(due)] == [("", "open", buyer.user.pk), ("open", "expired", None)]
    assert notified("offer.expired") == ["buyer@example.com"]
    # Running later expires the other one too.
    assert offers.offers_expire_due(now=timezone.now() + timedelta(days=15)) == 1
