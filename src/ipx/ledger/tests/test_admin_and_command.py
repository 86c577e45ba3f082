"""The back-office shows the ledger and changes none of it; `ipx ledger_check` reports."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ipx.core.money import Money
from ipx.ledger import services
from ipx.ledger.models import IdempotencyRecord, LedgerAccount, LedgerTransaction, Payout, Posting
from ipx.ledger.tests.helpers import snapshot
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    sign_in(client, UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_admin_is_read_only(buyer: Member, superuser_client: Client) -> None:
    entry = services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="100",
                                    currency="CNY")
    payout = services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="40",
                                    currency="CNY", bank_account="6222021234567890128")
    IdempotencyRecord.objects.create(user=buyer.user, key="k", fingerprint="f", status=201, body={})
    before = snapshot()
    rows = {"ledgeraccount": LedgerAccount.objects.first(), "ledgertransaction": entry, "payout": payout,
            "idempotencyrecord": IdempotencyRecord.objects.get()}
    for model, row in rows.items():
        base = f"/admin/ledger/{model}/"
        assert superuser_client.get(base).status_code == 200
        assert row is not None
        detail = superuser_client.get(f"{base}{row.pk}/change/")
        assert detail.status_code == 200
        assert 'name="_save"' not in detail.content.decode()
        assert superuser_client.get(f"{base}add/").status_code == 403
        assert superuser_client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert superuser_client.post(f"{base}{row.pk}/change/", {}).status_code == 403
    # The transaction shows its postings.
    html = superuser_client.get(f"/admin/ledger/ledgertransaction/{entry.pk}/change/").content.decode()
    assert "platform:bank_in:CNY" in html and f"org:{buyer.organisation.pk}:available:CNY" in html
    # Balances in the account list (60.00 left after the payout).
    assert "60.00" in superuser_client.get("/admin/ledger/ledgeraccount/").content.decode()
    assert snapshot() == before


def test_ledger_check_command(buyer: Member, owner: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="100", currency="CNY")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("100"), "CNY"), reference="deal:1")
    services.escrow_release(payer=buyer.organisation, payee=owner.organisation, money=Money(Decimal("100"), "CNY"),
                            fee=Decimal("2"), reference="deal:1")
    out = StringIO()
    call_command("ledger_check", stdout=out)
    assert out.getvalue().splitlines() == [
        "transactions 3", "postings 7", "accounts 5",
        "CNY deposited=100.00 paid_out=0.00 available=98.00 escrow=0.00 fee_income=2.00", "ledger ok"]
    entry = LedgerTransaction.objects.create(kind="fee")
    Posting.objects.create(transaction=entry, account=LedgerAccount.objects.get(key="platform:fee_income:CNY"),
                           amount=Decimal("1"), currency="CNY")
    errors = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("ledger_check", stdout=StringIO(), stderr=errors)
    assert f"Transaction #{entry.pk} does not sum to zero in CNY: 1.00." in errors.getvalue()
    assert Payout.objects.count() == 0
