"""The deal back-office: deals are shown, not edited; operators approve or return recordals."""

from __future__ import annotations

import pytest
from django.test import Client

from ipx.accounts.models import User
from ipx.deals.contracts.tests.helpers import available, fresh, snapshot, submitted
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    sign_in(client, UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_deals_are_shown_read_only(owner: Member, buyer: Member, operator: User, superuser_client: Client) -> None:
    deal = fresh(owner, buyer, operator)
    before = snapshot(deal)
    listing = superuser_client.get("/admin/deals/deal/")
    assert listing.status_code == 200 and owner.organisation.name in listing.content.decode()
    detail = superuser_client.get(f"/admin/deals/deal/{deal.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert 'name="_save"' not in page and "签约款" in page and deal.contract_sha256 in page
    assert superuser_client.get("/admin/deals/deal/add/").status_code == 403
    assert superuser_client.post(f"/admin/deals/deal/{deal.pk}/change/", {}).status_code == 403
    assert superuser_client.post(f"/admin/deals/deal/{deal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert snapshot(deal) == before


def test_approve_recordal_action(owner: Member, buyer: Member, operator: User, superuser_client: Client) -> None:
    deal = submitted(owner, buyer, operator)
    waiting = fresh(owner, buyer, operator)
    response = superuser_client.post("/admin/deals/deal/", {"action": "approve_recordal",
                                                            "_selected_action": [deal.pk, waiting.pk]}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("1 recordal approved" in m for m in messages)
    assert any(m.startswith(f"#{waiting.pk}:") for m in messages)  # not submitted: refused, reported by row
    deal.refresh_from_db()
    waiting.refresh_from_db()
    assert (deal.status, waiting.status) == ("completed", "awaiting_signatures")
    # The funded on-signing milestone waits for the buyer; the on-recordal one was never funded.
    assert available(owner.organisation) == 0


def test_return_recordal_action_asks_for_a_reason(owner: Member, buyer: Member, operator: User,
                                                  superuser_client: Client) -> None:
    deal = submitted(owner, buyer, operator)
    data = {"action": "return_recordal", "_selected_action": [deal.pk]}
    form = superuser_client.post("/admin/deals/deal/", data)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    superuser_client.post("/admin/deals/deal/", {**data, "confirm": "1", "reason": "登记号有误"})
    deal.refresh_from_db()
    assert deal.status == "signed"
    returned = deal.events.last()
    assert returned is not None and returned.note == "登记号有误"
