"""Negotiation pages: what each side sees and may do, HTMX fragments, and refusals shown as
form errors (never a server error)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.deals.models import Attachment, Deal, Message, Offer, Thread
from ipx.deals.negotiation import offers
from ipx.deals.negotiation.tests.conftest import offer_terms, pdf_bytes, png_bytes, published_listing, upload
from ipx.listings import documents
from ipx.listings.models import Listing
from ipx.testing.factories import OrganisationFactory
from ipx.testing.fixtures import Member

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse  # the test client's responses, as typed

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def messages_of(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def offer_form(**changes: str) -> dict[str, str]:
    data = {"kind": "transfer", "commitment": "concluded", "price_amount": "100000", "currency": "CNY",
            "payment_structure": "lump_sum", "expires_at": (timezone.localtime() + timedelta(days=7))
            .strftime("%Y-%m-%dT%H:%M")}
    return data | changes


# --- The thread page -------------------------------------------------------------------------

def test_each_side_sees_the_actions_it_may_take(thread: Thread, owner: Member, buyer: Member,
                                                buyer_agent: Member, operator_client: Client) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=owner.user, terms=offer_terms())
    OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="另一家代理所")  # one left to add
    accept = reverse("negotiation:offer_action", args=[offer.pk, "accept"])
    withdraw = reverse("negotiation:offer_action", args=[offer.pk, "withdraw"])
    counter = reverse("negotiation:offer_counter", args=[offer.pk])

    pages = {name: client.get(reverse("negotiation:thread", args=[thread.pk])).content.decode()
             for name, client in [("buyer", buyer.client), ("seller", owner.client), ("agent", buyer_agent.client),
                                  ("operator", operator_client)]}

    assert all("请问这项专利可以独占许可吗？" in html and "Offer from" in html for html in pages.values())
    assert (accept in pages["buyer"], counter in pages["buyer"], withdraw in pages["buyer"]) == (True, True, False)
    assert (accept in pages["seller"], counter in pages["seller"], withdraw in pages["seller"]) == (False, False, True)
    assert (accept in pages["agent"], counter in pages["agent"], withdraw in pages["agent"]) == (False, True, False)
    assert not any(url in pages["operator"] for url in (accept, counter, withdraw))
    # Only party administrators may add agents; agents and operators may not; parties and operators may close.
    agents_form = reverse("negotiation:agent_add", args=[thread.pk])
    close = reverse("negotiation:close", args=[thread.pk])
    assert [agents_form in pages[name] for name in ("buyer", "seller", "agent", "operator")] == [
        True, True, False, False]
    assert [close in pages[name] for name in ("buyer", "seller", "agent", "operator")] == [True, True, False, True]


def test_my_negotiations(thread: Thread, buyer: Member, owner: Member, outsider: Member) -> None:
    html = buyer.client.get(reverse("negotiation:list")).content.decode()
    assert reverse("negotiation:thread", args=[thread.pk]) in html
    assert owner.organisation.name in html
    assert thread.subject not in outsider.client.get(reverse("negotiation:list")).content.decode()
    assert thread.subject not in buyer.client.get(reverse("negotiation:list") + "?status=closed").content.decode()


# --- Messages with HTMX ------------------------------------------------------------------------

def test_posting_a_message_with_htmx_rerenders_the_conversation(thread: Thread, owner: Member) -> None:
    url = reverse("negotiation:messages", args=[thread.pk])

    response = owner.client.post(url, {"body": "报价见附件", "files": [upload("quote.pdf", pdf_bytes())]}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="conversation">')
    assert "报价见附件" in html and "quote.pdf" in html
    attachment = Attachment.objects.get()
    assert reverse("negotiation:attachment", args=[attachment.pk]) in html
    download = owner.client.get(reverse("negotiation:attachment", args=[attachment.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="quote.pdf"'


def test_a_refused_message_comes_back_as_form_errors(thread: Thread, owner: Member) -> None:
    url = reverse("negotiation:messages", args=[thread.pk])

    htmx = owner.client.post(url, {"body": "见附件", "files": [upload("scan.pdf", png_bytes())]}, headers=HTMX)
    plain = owner.client.post(url, {"body": " "})

    assert htmx.status_code == 200  # HTMX swaps only successful answers; the errors are in the fragment
    assert "scan.pdf is not a PDF file." in htmx.content.decode()
    assert plain.status_code == 400
    assert "Write a message or attach a file." in plain.content.decode()
    assert Message.objects.count() == 1  # the inquiry only


# --- Offers through the pages ------------------------------------------------------------------

def test_making_countering_and_accepting_offers(thread: Thread, buyer: Member, owner: Member) -> None:
    response = buyer.client.post(reverse("negotiation:offer_new", args=[thread.pk]), offer_form(
        payment_structure="milestones", milestone_1_title="签约", milestone_1_amount="40000",
        milestone_1_condition="on_signing", milestone_3_title="登记", milestone_3_amount="60000",
        milestone_3_condition="on_recordal"))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert list(offer.milestones.values_list("position", "amount")) == [(1, Decimal("40000.00")),
                                                                       (2, Decimal("60000.00"))]

    counter_page = owner.client.get(reverse("negotiation:offer_counter", args=[offer.pk])).content.decode()
    assert 'value="40000.00"' in counter_page  # the form starts from the terms answered
    response = owner.client.post(reverse("negotiation:offer_counter", args=[offer.pk]),
                                 offer_form(price_amount="150000"))
    assert response.status_code == 302
    counter = Offer.objects.get(counter_to=offer)

    response = buyer.client.post(reverse("negotiation:offer_action", args=[counter.pk, "accept"]))

    deal = Deal.objects.get()
    assert response["Location"] == reverse("deals:detail", args=[deal.pk])
    assert (deal.offer, deal.price_amount) == (counter, Decimal("150000.00"))


def test_bad_offer_terms_are_shown_on_the_form(thread: Thread, buyer: Member) -> None:
    url = reverse("negotiation:offer_new", args=[thread.pk])

    response = buyer.client.post(url, offer_form(currency="USD", payment_structure="milestones",
                                                 milestone_2_title="签约", milestone_2_amount="100000.001",
                                                 milestone_2_condition="on_signing"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Offers on this listing are in CNY" in html
    # The error of the form's second row (the service's first milestone) sits on that row.
    assert response.context["form"].errors["milestone_2_amount"] == ["CNY amounts have at most 2 decimal places."]
    assert Offer.objects.count() == 0


def test_the_offer_form_reads_typed_fields(thread: Thread, buyer: Member) -> None:
    url = reverse("negotiation:offer_new", args=[thread.pk])

    refused = buyer.client.post(url, offer_form(kind="use_first", price_amount="十万", trial_months="six",
                                                expires_at="next week"))

    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert (errors["price_amount"], errors["trial_months"], errors["expires_at"]) == (
        ["Enter an amount as a number, e.g. 250000.00."], ["The free trial must be a whole number of months."],
        ["“next week” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM."])
    assert Offer.objects.count() == 0

    # Thousands separated by commas, a royalty with its sign, a day meaning its end: as the API reads them.
    day = timezone.localdate() + timedelta(days=30)
    response = buyer.client.post(url, offer_form(price_amount="100,000.00", payment_structure="royalty",
                                                 royalty_percent="3.5 %", expires_at=day.isoformat()))

    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.price_amount, offer.royalty_percent) == (Decimal("100000.00"), Decimal("3.50"))
    assert timezone.localtime(offer.expires_at).replace(tzinfo=None) == datetime.combine(day, time(23, 59, 59))


def test_who_may_offer_is_told_before_what_is_wrong_with_the_terms(thread: Thread, operator_client: Client) -> None:
    response = operator_client.post(reverse("negotiation:offer_new", args=[thread.pk]),
                                    offer_form(price_amount="1.234"))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Only the buyer, the seller or their agents may do this."]
    assert response.context["form"].errors.keys() == {"__all__"}
    assert Offer.objects.count() == 0


def test_an_expired_offer_cannot_be_accepted_on_the_page(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=owner.user, terms=offer_terms())
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    page = buyer.client.get(reverse("negotiation:thread", args=[thread.pk])).content.decode()
    assert reverse("negotiation:offer_action", args=[offer.pk, "accept"]) not in page
    assert "Expired" in page

    response = buyer.client.post(reverse("negotiation:offer_action", args=[offer.pk, "accept"]))

    assert response.status_code == 302
    assert any("This offer expired on" in text for text in messages_of(response))
    assert Offer.objects.get().status == "expired"
    assert Deal.objects.count() == 0


def test_refusals_on_buttons_become_messages(thread: Thread, buyer: Member, buyer_agent: Member,
                                             owner: Member) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=owner.user, terms=offer_terms())

    response = buyer_agent.client.post(reverse("negotiation:offer_action", args=[offer.pk, "accept"]))

    assert response.status_code == 302
    assert messages_of(response) == [f"An agent cannot accept an offer; a member of {buyer.organisation.name} "
                                     "must accept it."]
    assert Offer.objects.get().status == "open"
    assert buyer.client.post(reverse("negotiation:offer_action", args=[offer.pk, "nonsense"])).status_code == 404


# --- The listing page ----------------------------------------------------------------------------

def test_the_listing_page_loads_the_panel(listing: Listing, buyer: Member) -> None:
    html = buyer.client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert f'hx-get="{reverse("negotiation:listing_panel", args=[listing.pk])}"' in html
    anonymous = Client().get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert "Log in to see the detailed documents" in anonymous


def test_inquiring_from_the_listing_panel(listing: Listing, buyer: Member, owner: Member) -> None:
    panel = reverse("negotiation:listing_panel", args=[listing.pk])
    assert 'id="inquiry-form"' in buyer.client.get(panel, headers=HTMX).content.decode()

    refused = buyer.client.post(reverse("negotiation:inquire", args=[listing.pk]), {"message": ""}, headers=HTMX)
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()

    response = buyer.client.post(reverse("negotiation:inquire", args=[listing.pk]), {"message": "请报价"}, headers=HTMX)

    thread = Thread.objects.get()
    assert (response.status_code, response["HX-Redirect"]) == (204, reverse("negotiation:thread", args=[thread.pk]))
    html = buyer.client.get(panel, headers=HTMX).content.decode()
    assert reverse("negotiation:thread", args=[thread.pk]) in html and 'id="inquiry-form"' not in html
    seller_view = owner.client.get(panel, headers=HTMX).content.decode()
    assert buyer.organisation.name in seller_view and 'id="inquiry-form"' not in seller_view


def test_the_nda_on_the_listing_panel(owner: Member, buyer: Member, operator: User) -> None:
    listing = published_listing(owner, requires_nda=True, nda_text="不得披露")
    document = documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="检测报告",
                                              file=upload("r.pdf", pdf_bytes()))
    panel = reverse("negotiation:listing_panel", args=[listing.pk])
    download = reverse("listing_documents:download", args=[document.pk])

    before = buyer.client.get(panel, headers=HTMX).content.decode()
    assert "不得披露" in before and "检测报告" not in before and download not in before
    assert "1 document is shown once your organisation accepts" in before
    assert f'name="next" value="{panel}"' in before  # a plain form post comes back to the panel
    assert download in owner.client.get(panel, headers=HTMX).content.decode()

    after = buyer.client.post(reverse("listing_documents:nda_accept", args=[listing.pk]), headers=HTMX).content.decode()

    assert "检测报告" in after and download in after


def test_the_listing_form_has_the_nda_fields(owner: Member) -> None:
    listing = published_listing(owner)
    url = reverse("listings:edit", args=[listing.pk])
    assert 'name="requires_nda"' in owner.client.get(url).content.decode()
    data = {"title": listing.title, "asset_ids": [str(listing.asset_links.get().asset_id)],
            "offer_kinds": ["transfer"], "price_type": "fixed", "price_amount": "120000", "currency": "CNY",
            "requires_nda": "on", "nda_text": ""}

    refused = owner.client.post(url, data)
    saved = owner.client.post(url, data | {"nda_text": "保密条款"})

    assert refused.status_code == 400
    assert "Write the non-disclosure terms" in refused.content.decode()
    assert saved.status_code == 302
    listing.refresh_from_db()
    assert (listing.requires_nda, listing.nda_text) == (True, "保密条款")
