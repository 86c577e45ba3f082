"""A receivable from the licensor's own concluded licence deal, through the page and the API:
the form offers only the licensor's concluded licences; the licensee is the payer, in the
deal's currency; a schedule above what the deal still owes, another currency or the same deal
twice is refused on its field and keeps nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ipx.finance.models import Receivable
from ipx.testing.licence_deals import Cast, licence_cast, licence_deal
from ipx.testing.second_factor import signed_in

pytestmark = pytest.mark.django_db

PAGE = "/finance/securitisation/receivables"
API = "/api/v1/finance/securitisation/receivables"


@pytest.fixture
def cast() -> Cast:
    return licence_cast()


def test_the_licensor_enters_its_concluded_licence_deal_on_the_page(cast: Cast) -> None:
    deal, unsigned = licence_deal(cast), licence_deal(cast, signed=False)
    page = signed_in(cast.licensor_admin)
    form = page.get(f"{PAGE}/new/").content.decode()
    assert f"Deal #{deal.pk} with" in form and f"Deal #{unsigned.pk} with" not in form

    def enter(schedule: str, deal_id: int = deal.pk) -> Any:
        return page.post(f"{PAGE}/new/", {"originator_id": cast.licensor.pk, "source": "deal", "deal_id": deal_id,
                                          "schedule": schedule})

    too_much = enter("2026-06-15 300,000\n2026-09-15 300,000")
    assert too_much.status_code == 400 and "still owes" in too_much.content.decode()
    assert enter("2026-06-15 100,000", deal_id=unsigned.pk).status_code == 400
    assert not Receivable.objects.exists()

    made = enter("2026-06-15 100,000\n2026-09-15 400,000")
    receivable = Receivable.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{PAGE}/{receivable.pk}/"
    assert (receivable.deal, receivable.payer, receivable.currency) == (deal, cast.licensee, "CNY")
    shown = page.get(made["Location"]).content.decode()
    assert cast.licensee.name in shown and f'href="/deals/{deal.pk}/"' in shown and "400,000.00" in shown
    # The deal is a receivable now: no longer offered, and refused if sent again.
    assert f"Deal #{deal.pk} with" not in page.get(f"{PAGE}/new/").content.decode()
    assert enter("2026-06-15 100,000").status_code == 400
    assert Receivable.objects.count() == 1
    # The licensee may not enter the licensor's deal as its own.
    assert signed_in(cast.licensee_admin).post(f"{PAGE}/new/", {
        "originator_id": cast.licensee.pk, "source": "deal", "deal_id": deal.pk,
        "schedule": "2026-06-15 100,000"}).status_code == 400


def test_the_licensor_enters_its_concluded_licence_deal_through_the_api(cast: Cast) -> None:
    deal = licence_deal(cast)
    client: Client = signed_in(cast.licensor_admin)

    def enter(**changes: object) -> Any:
        data = {"originator_id": cast.licensor.pk, "source": "deal", "deal_id": deal.pk,
                "schedule": json.dumps([{"due_on": "2026-06-15", "amount": "100000"},
                                        {"due_on": "2026-09-15", "amount": "400000"}]), **changes}
        return client.post(API, data)

    dollars = enter(currency="USD")
    assert dollars.status_code == 400 and set(dollars.json()["error"]["fields"]) == {"currency"}
    too_much = enter(schedule=json.dumps([{"due_on": "2026-06-15", "amount": "500000.01"}]))
    assert too_much.status_code == 400 and "schedule" in too_much.json()["error"]["fields"]
    assert not Receivable.objects.exists()

    made = enter()
    assert made.status_code == 201
    body = made.json()
    assert (body["source"], body["deal_id"], body["currency"], body["payer_name"]) == (
        "deal", deal.pk, "CNY", cast.licensee.name)
    again = enter()
    assert again.status_code == 400 and str(body["id"]) in again.json()["error"]["fields"]["deal_id"]
    assert Receivable.objects.count() == 1
