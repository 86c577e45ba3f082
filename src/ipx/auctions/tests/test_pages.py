"""The auction pages: the sessions, registration, the hall of a lot with its bid form (a
form sent twice bids once; a refusal is shown on the form), the operator's controls, and the
live stream's messages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import User
from ipx.auctions import live as lot_live
from ipx.auctions.models import AuctionSession, Bid, Lot, Registration
from ipx.auctions.services import registration, setup
from ipx.auctions.tests.scene import bid, new_session
from ipx.live.selectors import events_after
from ipx.live.streams import stream_name
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import signed_in

pytestmark = pytest.mark.django_db


def form_key(page: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', page)
    assert found, "the bid form carries its key"
    return found.group(1)


def test_anyone_sees_announced_sessions_and_the_hall_without_the_reserve(live: Lot, buyer: Member,
                                                                        client: Client) -> None:
    bid(buyer, live, "100000", maximum="130000")
    listing = client.get("/auctions/").content.decode()
    assert live.session.title in listing
    session = client.get(f"/auctions/{live.session_id}/").content.decode()
    assert f"/auctions/lots/{live.pk}/" in session
    hall = client.get(f"/auctions/lots/{live.pk}/")
    text = hall.content.decode()
    assert hall.status_code == 200
    assert "No. 101" in text and "Not met yet" in text and "150,000" not in text  # the reserve stays hidden
    assert "130,000" not in text  # so does the leader's maximum
    assert "Sign in to bid" in text
    mine = buyer.client.get(f"/auctions/lots/{live.pk}/").content.decode()
    assert "Your maximum" in mine and "130,000" in mine


def test_a_draft_session_is_hidden_from_members(session: AuctionSession, buyer: Member) -> None:
    assert buyer.client.get(f"/auctions/{session.pk}/").status_code == 404


def test_a_bid_form_sent_twice_bids_once_and_a_refusal_is_shown_on_it(live: Lot, buyer: Member) -> None:
    page = buyer.client.get(f"/auctions/lots/{live.pk}/").content.decode()
    key = form_key(page)
    for _ in range(2):
        answer = buyer.client.post(f"/auctions/lots/{live.pk}/", {"amount": "100,000", "key": key})
        assert answer.status_code == 302
    assert Bid.objects.filter(lot=live).count() == 1
    refused = buyer.client.post(f"/auctions/lots/{live.pk}/", {"amount": "100000", "key": "another"})
    assert refused.status_code == 400
    assert "you can raise your maximum instead" in refused.content.decode()
    assert Bid.objects.filter(lot=live).count() == 1


def test_registration_and_admission_through_the_pages(lot: Lot, buyer: Member, operator: User,
                                                      on_commit: Any) -> None:
    staff = signed_in(operator)
    assert staff.post(f"/auctions/{lot.session_id}/announce/").status_code == 302
    assert buyer.client.post(f"/auctions/{lot.session_id}/register/",
                             {"organisation": str(buyer.organisation.pk)}).status_code == 302
    registration = Registration.objects.get(organisation=buyer.organisation)
    assert buyer.client.post(f"/auctions/registrations/{registration.pk}/admit/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPLIED  # a member cannot admit
    staff.post(f"/auctions/registrations/{registration.pk}/admit/")
    registration.refresh_from_db()
    assert (registration.status, registration.bidder_number) == (Registration.Status.ADMITTED, 101)


def test_a_refusal_without_a_reason_comes_back_marked_and_refuses_nothing(lot: Lot, buyer: Member,
                                                                       operator: User) -> None:
    staff = signed_in(operator)
    staff.post(f"/auctions/{lot.session_id}/announce/")
    buyer.client.post(f"/auctions/{lot.session_id}/register/", {"organisation": str(buyer.organisation.pk)})
    registration = Registration.objects.get(organisation=buyer.organisation)
    control = f"id_refuse-{registration.pk}-reason"

    answer = staff.post(f"/auctions/registrations/{registration.pk}/refuse/", {"reason": "  "})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "data-error-summary" in page and f'href="#{control}"' in page
    assert re.search(rf'id="{control}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{control}"', page)
    assert f'id="{control}_error"' in page
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPLIED
    staff.post(f"/auctions/registrations/{registration.pk}/refuse/", {"reason": "资质材料不全。"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REFUSED


def test_the_operator_pauses_with_a_reason_only(live: Lot, operator: User) -> None:
    staff = signed_in(operator)
    page = staff.get(f"/auctions/lots/{live.pk}/").content.decode()
    assert 'name="pause-reason"' in page and 'name="extend-closes_at"' in page
    staff.post(f"/auctions/lots/{live.pk}/pause/", {"pause-reason": ""})
    live.refresh_from_db()
    assert live.status == Lot.Status.OPEN
    staff.post(f"/auctions/lots/{live.pk}/pause/", {"pause-reason": "Checking the listing"})
    live.refresh_from_db()
    assert live.status == Lot.Status.PAUSED


def test_each_bid_reaches_the_hall_live(live: Lot, buyer: Member, outsider: Member) -> None:
    stream = stream_name("lot", live.pk)
    bid(buyer, live, "100000", maximum="125000")
    bid(outsider, live, "110000")
    events = events_after(stream, 0)
    messages = lot_live._render(outsider.user, events)
    rows = [m.data for m in messages if m.event == "bid"]
    assert len(rows) == 3 and 'id="bid-1"' in rows[0] and 'id="bid-3"' in rows[-1]
    state = [m.data for m in messages if m.event == "state"]
    assert len(state) == 1 and "115,000" in state[0] and "No. 101" in state[0] and "125,000" not in state[0]
    leader_view = lot_live._render(buyer.user, events)[-1].data
    assert "Your maximum" in leader_view and "125,000" in leader_view


def test_operators_see_in_the_list_which_sessions_have_bidders_awaiting_admission(
        lot: Lot, operator: User, banker: Member, buyer: Member) -> None:
    announced = lot.session
    setup.session_announce(operator=operator, session_id=announced.pk)
    applied = registration.registration_apply(actor=banker.user, session_id=announced.pk,
                                              organisation_id=banker.organisation.pk)
    other = new_session(operator)  # nobody waits there
    page = signed_in(operator).get("/auctions/").content.decode()
    rows = {row.split('href="/auctions/')[1].split("/")[0]: row for row in page.split("<tr>")[2:]}
    assert f'<a href="/auctions/{announced.pk}/#registrations">1</a>' in rows[str(announced.pk)]
    assert 'class="applied">none<' in rows[str(other.pk)]
    assert "Bidders awaiting admission" not in buyer.client.get("/auctions/").content.decode()
    registration.registration_admit(operator=operator, registration_id=applied.pk)
    page = signed_in(operator).get("/auctions/").content.decode()
    assert f'/auctions/{announced.pk}/#registrations"' not in page
