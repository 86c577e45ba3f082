"""The ledger's services: each money movement posts one balanced transaction; refusals change
nothing; the database itself refuses to rewrite postings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from ipx.accounts.models import Membership, Organisation, User
from ipx.core.errors import NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import Money
from ipx.ledger import selectors, services
from ipx.ledger.models import LedgerTransaction, Payout, Posting
from ipx.ledger.providers import PaymentRefused, Receipt, ReceiptStatus, _provider
from ipx.ledger.services import InsufficientFunds, Kind
from ipx.ledger.tests.helpers import available, fee_income, platform, snapshot
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

CNY = "CNY"
BANK = "6222 0212 3456 7890 128"


def deposit(member: Member, amount: str, currency: str = CNY) -> LedgerTransaction:
    return services.deposit_create(organisation_id=member.organisation.pk, actor=member.user, amount=amount,
                                   currency=currency)


def postings_of(entry: LedgerTransaction) -> list[tuple[str, Decimal]]:
    return [(p.account.key, p.amount) for p in entry.postings.select_related("account").order_by("pk")]


# --- Deposits ---------------------------------------------------------------------------------

def test_balances_are_exact_to_the_cent_however_large(buyer: Member) -> None:
    # SQLite keeps decimals as floating point: summed as such, 121 deposits of just under a
    # trillion came to 0.21 too much and a cent more changed nothing.
    for _n in range(121):
        services.deposit_record(organisation=buyer.organisation, money=Money(Decimal("999999999999.99"), CNY),
                                provider_reference="")
    for _n in range(3):
        services.deposit_record(organisation=buyer.organisation, money=Money(Decimal("0.01"), CNY),
                                provider_reference="")
    exact = Decimal("999999999999.99") * 121 + Decimal("0.03")
    assert str(available(buyer.organisation)) == str(exact)
    (balance,) = selectors.balances_of(buyer.organisation.pk)
    assert str(balance.available) == str(exact) and str(balance.escrow) == "0.00"
    lines = selectors.Statement(buyer.organisation.pk).lines()  # the running balance, line by line
    assert [str(line.balance) for line in lines[-4:]] == [
        str(Decimal("999999999999.99") * 121 + Decimal("0.01") * n) for n in range(4)]
    assert selectors.ledger_check().ok


def test_deposit_credits_the_available_balance(buyer: Member) -> None:
    entry = deposit(buyer, "1,000,000.50")
    assert entry.kind == "deposit"
    assert entry.actor == buyer.user
    assert entry.provider_reference.startswith("SIM-D-") and len(entry.provider_reference) == 22
    org = buyer.organisation.pk
    assert postings_of(entry) == [("platform:bank_in:CNY", Decimal("-1000000.50")),
                                  (f"org:{org}:available:CNY", Decimal("1000000.50"))]
    assert available(buyer.organisation) == Decimal("1000000.50")
    assert platform(Kind.BANK_IN) == Decimal("-1000000.50")
    assert [(b.currency, b.available, b.escrow) for b in selectors.balances_of(org)] == [
        ("CNY", Decimal("1000000.50"), Decimal("0.00"))]


def test_simulated_references_are_derived_from_the_request(buyer: Member) -> None:
    first = services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="10",
                                    currency="CNY", reference="deposit:abc")
    again = services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="10",
                                    currency="CNY", reference="deposit:abc")
    other = services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="10",
                                    currency="CNY", reference="deposit:abd")
    assert first.provider_reference == again.provider_reference != other.provider_reference


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message_part"),
    [
        ("10.001", "CNY", "amount", "at most 2 decimal places"),
        ("100.5", "JPY", "amount", "at most 0 decimal places"),
        ("0", "CNY", "amount", "greater than zero"),
        ("-5", "CNY", "amount", "greater than zero"),
        ("abc", "CNY", "amount", "as a number"),
        ("NaN", "CNY", "amount", "as a number"),
        ("1e30", "CNY", "amount", "too large"),
        ("100", "XYZ", "currency", "Unknown currency"),
        ("100", "", "currency", "Unknown currency"),
    ],
)
def test_bad_amounts_and_currencies_are_refused(buyer: Member, amount: str, currency: str, field: str,
                                                message_part: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        deposit(buyer, amount, currency)
    assert message_part in refused.value.fields[field]
    assert snapshot() == before


def test_deposits_need_a_member_of_a_verified_organisation(buyer: Member, outsider: Member,
                                                           operator: User) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.deposit_create(organisation_id=buyer.organisation.pk, actor=outsider.user, amount="10",
                                currency=CNY)
    with pytest.raises(PermissionDenied):
        services.deposit_create(organisation_id=buyer.organisation.pk, actor=operator, amount="10",
                                currency=CNY)
    with pytest.raises(NotFound):
        services.deposit_create(organisation_id=999_999, actor=buyer.user, amount="10", currency=CNY)
    Organisation.objects.filter(pk=buyer.organisation.pk).update(status=Organisation.Status.PENDING)
    with pytest.raises(PermissionDenied, match="not verified"):
        deposit(buyer, "10")
    assert snapshot() == before


class DecliningProvider:
    def collect_deposit(self, organisation: object, money: Money, reference: str) -> Receipt:
        return Receipt(provider_reference="X-1", status=ReceiptStatus.FAILED, message="Card declined.")

    def send_payout(self, organisation: object, money: Money, bank_account: str, *, reference: str = "") -> Receipt:
        return Receipt(provider_reference="X-2", status=ReceiptStatus.FAILED, message="Account closed.")


def test_a_declining_provider_changes_nothing(buyer: Member, settings: Any) -> None:
    deposit(buyer, "100")
    before = snapshot()
    settings.IPX_PAYMENT_PROVIDER = f"{__name__}.DecliningProvider"
    try:
        with pytest.raises(PaymentRefused, match="Card declined"):
            deposit(buyer, "10")
        with pytest.raises(PaymentRefused, match="Account closed"):
            services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="10",
                                   currency=CNY, bank_account=BANK)
    finally:
        _provider.cache_clear()
    assert snapshot() == before


# --- Escrow -----------------------------------------------------------------------------------

def test_hold_release_with_fee_and_refund(buyer: Member, owner: Member) -> None:
    deposit(buyer, "1000.00")
    money = Money(Decimal("600.00"), CNY)
    hold = services.escrow_hold(payer=buyer.organisation, money=money, reference="deal:1", actor=buyer.user)
    b, o = buyer.organisation.pk, owner.organisation.pk
    assert postings_of(hold) == [(f"org:{b}:available:CNY", Decimal("-600.00")),
                                 (f"org:{b}:escrow:CNY:deal:1", Decimal("600.00"))]
    assert (available(buyer.organisation), services.escrow_balance(payer=buyer.organisation, currency=CNY,
                                                                   reference="deal:1")) == (Decimal("400.00"),
                                                                                            Decimal("600.00"))
    # A partial release: 250 of the 600, with a 12.50 fee to the platform.
    release = services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                      money=Money(Decimal("250.00"), CNY), fee=Decimal("12.50"), reference="deal:1")
    assert release.kind == "escrow_release" and release.reference == "deal:1"
    assert postings_of(release) == [(f"org:{b}:escrow:CNY:deal:1", Decimal("-250.00")),
                                    (f"org:{o}:available:CNY", Decimal("237.50")),
                                    ("platform:fee_income:CNY", Decimal("12.50"))]
    assert available(owner.organisation) == Decimal("237.50")
    assert fee_income() == Decimal("12.50")
    # The rest goes back to the buyer.
    refund = services.escrow_refund(payer=buyer.organisation, money=Money(Decimal("350.00"), CNY),
                                    reference="deal:1")
    assert postings_of(refund) == [(f"org:{b}:escrow:CNY:deal:1", Decimal("-350.00")),
                                   (f"org:{b}:available:CNY", Decimal("350.00"))]
    assert services.escrow_balance(payer=buyer.organisation, currency=CNY, reference="deal:1") == Decimal("0.00")
    assert available(buyer.organisation) == Decimal("750.00")
    assert [(x.currency, x.available, x.escrow) for x in selectors.balances_of(b)] == [
        ("CNY", Decimal("750.00"), Decimal("0.00"))]
    assert selectors.ledger_check().ok


def test_release_without_fee_posts_two_lines(buyer: Member, owner: Member) -> None:
    deposit(buyer, "100")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("100"), CNY), reference="deal:2")
    release = services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                      money=Money(Decimal("100"), CNY), fee=Decimal(0), reference="deal:2")
    assert len(postings_of(release)) == 2
    assert available(owner.organisation) == Decimal("100.00")


def test_escrows_are_kept_apart_by_reference(buyer: Member, owner: Member) -> None:
    deposit(buyer, "300")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("100"), CNY), reference="deal:1")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("200"), CNY), reference="deal:2")
    before = snapshot()
    with pytest.raises(InsufficientFunds):
        services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                money=Money(Decimal("150"), CNY), fee=Decimal(0), reference="deal:1")
    assert snapshot() == before
    assert [(x.available, x.escrow) for x in selectors.balances_of(buyer.organisation.pk)] == [
        (Decimal("0.00"), Decimal("300.00"))]


def test_insufficient_funds_are_refused_and_nothing_changes(buyer: Member, owner: Member) -> None:
    deposit(buyer, "99.99")
    before = snapshot()
    with pytest.raises(InsufficientFunds) as refused:
        services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("100.00"), CNY), reference="deal:1")
    assert refused.value.status == 409
    assert refused.value.code == "insufficient_funds"
    assert "99.99 CNY available, 100.00 CNY needed" in refused.value.message
    with pytest.raises(InsufficientFunds):
        services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                money=Money(Decimal("1.00"), CNY), fee=Decimal(0), reference="deal:1")
    with pytest.raises(InsufficientFunds):
        services.escrow_refund(payer=buyer.organisation, money=Money(Decimal("1.00"), CNY), reference="deal:1")
    with pytest.raises(InsufficientFunds):
        services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="100.00",
                               currency=CNY, bank_account=BANK)
    with pytest.raises(InsufficientFunds):  # the balance is in CNY, not HKD
        services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("1.00"), "HKD"), reference="deal:1")
    assert snapshot() == before
    assert available(buyer.organisation) == Decimal("99.99")


@pytest.mark.parametrize(
    ("amount", "fee", "currency", "field"),
    [
        ("10.001", "0", "CNY", "amount"),
        ("10", "0.5", "JPY", "fee"),
        ("10.5", "0", "JPY", "amount"),
        ("10", "11", "CNY", "fee"),
        ("10", "-1", "CNY", "fee"),
        ("0", "0", "CNY", "amount"),
        ("-10", "0", "CNY", "amount"),
    ],
)
def test_escrow_refuses_bad_amounts(buyer: Member, owner: Member, amount: str, fee: str, currency: str,
                                    field: str) -> None:
    deposit(buyer, "1000", currency)
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("100"), currency), reference="deal:1")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                money=Money(Decimal(amount), currency), fee=Decimal(fee), reference="deal:1")
    assert set(refused.value.fields) == {field}
    assert snapshot() == before


def test_unknown_currency_is_refused_by_the_ledger(buyer: Member) -> None:
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("1"), "XYZ"), reference="deal:1")
    assert snapshot() == before


def test_unbalanced_postings_are_refused(buyer: Member) -> None:
    account = services.available_account(organisation=buyer.organisation, currency=CNY)
    bank = services.account_for(kind=Kind.BANK_IN, currency=CNY)
    with pytest.raises(ValueError, match="do not sum to zero"):
        services.transaction_post(kind="deposit", lines=[services.Line(bank, Decimal("-1")),
                                                         services.Line(account, Decimal("2"))])
    with pytest.raises(ValueError, match="at least two"):
        services.transaction_post(kind="deposit", lines=[services.Line(account, Decimal("0"))])
    assert Posting.objects.count() == 0


# --- Payouts ----------------------------------------------------------------------------------

def test_payout_takes_money_out_to_the_bank(buyer: Member) -> None:
    deposit(buyer, "500")
    payout = services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="120.30",
                                    currency=CNY, bank_account=f"  {BANK} ")
    # Only the masked number is kept.
    assert (payout.amount, payout.currency, payout.bank_account) == (Decimal("120.30"), CNY, "****0128")
    assert payout.provider_reference.startswith("SIM-P-")
    assert payout.requested_by == buyer.user
    entry = payout.transaction
    assert (entry.kind, entry.memo) == ("payout", "****0128")
    assert postings_of(entry) == [(f"org:{buyer.organisation.pk}:available:CNY", Decimal("-120.30")),
                                  ("platform:bank_out:CNY", Decimal("120.30"))]
    assert available(buyer.organisation) == Decimal("379.70")
    iban = services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1",
                                  currency=CNY, bank_account="GB82 WEST 1234 5698 7654 32")
    assert iban.bank_account == "****5432"
    assert selectors.ledger_check().ok


def test_payout_is_for_administrators(buyer: Member, outsider: Member) -> None:
    deposit(buyer, "500")
    colleague = MembershipFactory.create(organisation=buyer.organisation, user=UserFactory.create(),
                                         role=Membership.Role.MEMBER).user
    before = snapshot()
    for actor in (colleague, outsider.user):
        with pytest.raises(PermissionDenied):
            services.payout_create(organisation_id=buyer.organisation.pk, actor=actor, amount="10", currency=CNY,
                                   bank_account=BANK)
    assert snapshot() == before
    # Members may deposit, though.
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=colleague, amount="1", currency=CNY)


@pytest.mark.parametrize(
    ("bank_account", "message_part"),
    [
        ("", "required"),
        ("1234", "8 to 30 digits"),
        ("0000 0000 0000", "8 to 30 digits"),
        ("not a number", "8 to 30 digits"),
        ("GB00 WEST 1234 5698 7654 32", "check digits"),
        ("1" * 65, "too long"),
    ],
)
def test_payout_refuses_an_obviously_invalid_bank_account(buyer: Member, bank_account: str,
                                                          message_part: str) -> None:
    deposit(buyer, "500")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="10", currency=CNY,
                               bank_account=bank_account)
    assert message_part in refused.value.fields["bank_account"]
    assert snapshot() == before


def test_payout_reports_every_bad_field_at_once(buyer: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1.234",
                               currency=CNY, bank_account="")
    assert set(refused.value.fields) == {"amount", "bank_account"}
    assert Payout.objects.count() == 0


# --- Append-only ----------------------------------------------------------------------------

def test_the_database_refuses_to_change_or_delete_postings(buyer: Member) -> None:
    entry = deposit(buyer, "100")
    posting = entry.postings.first()
    assert posting is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount=Decimal("1000000"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=entry.pk).update(memo="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=entry.pk)._raw_delete(LedgerTransaction.objects.db)
    assert available(buyer.organisation) == Decimal("100.00")
    assert LedgerTransaction.objects.get(pk=entry.pk).memo == ""


# --- The consistency check ------------------------------------------------------------------

def test_ledger_check_finds_broken_rows(buyer: Member) -> None:
    deposit(buyer, "100")
    assert selectors.ledger_check().ok
    # Rows can still be inserted by hand; the check is what notices.
    entry = LedgerTransaction.objects.create(kind="deposit")
    account = services.available_account(organisation=buyer.organisation, currency=CNY)
    Posting.objects.create(transaction=entry, account=account, amount=Decimal("-150"), currency=CNY)
    report = selectors.ledger_check()
    key = f"org:{buyer.organisation.pk}:available:CNY"
    assert report.problems == [
        f"Transaction #{entry.pk} does not sum to zero in CNY: -150.00.",
        f"Transaction #{entry.pk} has 1 posting; it needs at least two.",
        f"Member account {key} is negative: -50.00.",
        f"Member account {key} went negative (-50.00) after posting #{entry.postings.get().pk}.",
    ]
    assert (report.transactions, report.postings) == (2, 3)
