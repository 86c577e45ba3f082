"""Business rule: a deal's money rows are fixed by the database, as the ledger's are. No raw
UPDATE changes a milestone's amount (or deal, position, condition), lowers what was released
or refunded, takes it past the amount or back to pending, or changes the currency, price,
fee or parties of its deal; the services' own writes (status and running totals, forwards)
still pass. Written in plain SQL so that it holds on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from ipx.accounts.models import User
from ipx.deals.contracts import services
from ipx.deals.contracts.tests.helpers import funded, snapshot
from ipx.deals.models import Deal, DealMilestone
from ipx.testing.factories import OrganisationFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def refused(sql: str, *params: int | str) -> None:
    with pytest.raises(DatabaseError, match="deal money fields are fixed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rows(deal: Deal) -> list[tuple[object, ...]]:
    return list(DealMilestone.objects.filter(deal=deal).order_by("pk").values_list(
        "deal_id", "position", "amount", "condition", "status", "released_amount", "refunded_amount"))


def test_a_milestone_amount_cannot_be_updated_after_it_is_written(owner: Member, buyer: Member,
                                                                  operator: User) -> None:
    deal = funded(owner, buyer, operator)
    other = funded(owner, buyer, operator)
    first, second = DealMilestone.objects.filter(deal=deal).order_by("position")
    before, rows = snapshot(deal), _rows(deal)

    refused("UPDATE deals_dealmilestone SET amount = %s WHERE id = %s", "1.00", first.pk)
    refused("UPDATE deals_dealmilestone SET amount = amount + 1 WHERE id = %s", second.pk)
    refused('UPDATE deals_dealmilestone SET "condition" = %s WHERE id = %s', "on_signing", second.pk)
    refused('UPDATE deals_dealmilestone SET "position" = 9 WHERE id = %s', second.pk)
    refused("UPDATE deals_dealmilestone SET deal_id = %s WHERE id = %s", other.pk, first.pk)

    assert (snapshot(deal), _rows(deal)) == (before, rows)


def test_released_and_refunded_amounts_only_grow_within_the_amount(owner: Member, buyer: Member,
                                                                    operator: User) -> None:
    deal = funded(owner, buyer, operator)
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="40000")
    first = DealMilestone.objects.get(deal=deal, position=1)
    assert (first.status, first.released_amount) == ("funded", Decimal("40000.00"))
    rows = _rows(deal)

    refused("UPDATE deals_dealmilestone SET released_amount = 0 WHERE id = %s", first.pk)
    refused("UPDATE deals_dealmilestone SET refunded_amount = %s WHERE id = %s", "60000.01", first.pk)
    refused("UPDATE deals_dealmilestone SET released_amount = %s WHERE id = %s", "100000.01", first.pk)
    refused("UPDATE deals_dealmilestone SET status = 'pending' WHERE id = %s", first.pk)
    assert _rows(deal) == rows

    # The service's own writes pass: the rest released, the milestone final.
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    first.refresh_from_db()
    assert (first.status, first.released_amount) == ("released", Decimal("100000.00"))
    refused("UPDATE deals_dealmilestone SET status = 'funded' WHERE id = %s", first.pk)


def test_a_deals_currency_price_fee_and_parties_cannot_be_updated(owner: Member, buyer: Member,
                                                                   operator: User) -> None:
    deal = funded(owner, buyer, operator)
    elsewhere = OrganisationFactory.create()
    before = snapshot(deal)
    refused("UPDATE deals_deal SET currency = 'HKD' WHERE id = %s", deal.pk)
    refused("UPDATE deals_deal SET price_amount = %s WHERE id = %s", "1.00", deal.pk)
    refused("UPDATE deals_deal SET fee_percent = 0 WHERE id = %s", deal.pk)
    refused("UPDATE deals_deal SET seller_id = %s WHERE id = %s", elsewhere.pk, deal.pk)
    refused("UPDATE deals_deal SET buyer_id = %s WHERE id = %s", elsewhere.pk, deal.pk)
    assert snapshot(deal) == before
    deal.refresh_from_db()
    assert (deal.currency, deal.price_amount, deal.fee_percent, deal.buyer_id, deal.seller_id) == (
        "CNY", Decimal("500000.00"), Decimal("2.00"), buyer.organisation.pk, owner.organisation.pk)
    # Everything else of the deal is written by its steps as before.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE deals_deal SET recordal_number = 'X' WHERE id = %s", [deal.pk])
    deal.refresh_from_db()
    assert deal.recordal_number == "X"
