"""Random sequences of deposits, holds, releases with fees, refunds and payouts over a few
organisations and two currencies (one without decimals), against a plain model of what each
account should hold. After every step: every transaction sums to zero per currency, no
member account is negative, and every account's derived balance equals the model's."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ipx.accounts.models import Organisation, User
from ipx.core.money import MINOR_UNITS, Money
from ipx.ledger import selectors, services
from ipx.ledger.models import LedgerAccount, LedgerTransaction
from ipx.ledger.services import InsufficientFunds
from ipx.testing.factories import MembershipFactory

ORGANISATIONS = 3
CURRENCIES = ("CNY", "JPY")
REFERENCES = ("deal:1", "deal:2")
BANK = "6222021234567890128"

organisation = st.integers(0, ORGANISATIONS - 1)
currency = st.sampled_from(CURRENCIES)
reference = st.sampled_from(REFERENCES)
# How much to move: a share of what the model says is there (so most attempts can succeed),
# or any amount in minor units (so some must be refused).
how_much = st.one_of(st.integers(1, 100).map(lambda p: ("percent", p)),
                     st.integers(1, 2_000_000).map(lambda n: ("units", n)))

AccountKey = tuple[int | None, str, str, str]  # organisation index, kind, currency, reference


def unit(code: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS[code])


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each run starts from the test's empty ledger and leaves it so: a savepoint around it.
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        memberships = [MembershipFactory.create() for _ in range(ORGANISATIONS)]
        self.organisations: list[Organisation] = [m.organisation for m in memberships]
        self.admins: list[User] = [m.user for m in memberships]
        self.expected: dict[AccountKey, Decimal] = defaultdict(Decimal)
        self.transactions = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _amount(self, how: tuple[str, int], code: str, balance: Decimal) -> Decimal:
        kind, n = how
        if kind == "units":
            return n * unit(code)
        share = (balance * n / 100).quantize(unit(code), rounding=ROUND_DOWN)
        return max(share, unit(code))

    def _post(self, changes: dict[AccountKey, Decimal]) -> None:
        for key, change in changes.items():
            self.expected[key] += change
        self.transactions += 1

    @rule(org=organisation, code=currency, n=st.integers(1, 1_000_000))
    def deposit(self, org: int, code: str, n: int) -> None:
        amount = n * unit(code)
        services.deposit_create(organisation_id=self.organisations[org].pk, actor=self.admins[org],
                                amount=str(amount), currency=code)
        self._post({(None, "bank_in", code, ""): -amount, (org, "available", code, ""): amount})

    @rule(org=organisation, code=currency, ref=reference, how=how_much)
    def hold(self, org: int, code: str, ref: str, how: tuple[str, int]) -> None:
        have = self.expected[(org, "available", code, "")]
        amount = self._amount(how, code, have)
        try:
            services.escrow_hold(payer=self.organisations[org], money=Money(amount, code), reference=ref)
        except InsufficientFunds:
            assert amount > have
            return
        assert amount <= have
        self._post({(org, "available", code, ""): -amount, (org, "escrow", code, ref): amount})

    @rule(payer=organisation, payee=organisation, code=currency, ref=reference, how=how_much,
          fee_percent=st.integers(0, 100))
    def release(self, payer: int, payee: int, code: str, ref: str, how: tuple[str, int], fee_percent: int) -> None:
        held = self.expected[(payer, "escrow", code, ref)]
        amount = self._amount(how, code, held)
        fee = (amount * fee_percent / 100).quantize(unit(code), rounding=ROUND_DOWN)
        try:
            services.escrow_release(payer=self.organisations[payer], payee=self.organisations[payee],
                                    money=Money(amount, code), fee=fee, reference=ref)
        except InsufficientFunds:
            assert amount > held
            return
        assert amount <= held
        changes: dict[AccountKey, Decimal] = {(payer, "escrow", code, ref): -amount,
                                              (payee, "available", code, ""): amount - fee}
        if fee:
            changes[(None, "fee_income", code, "")] = fee
        self._post(changes)

    @rule(payer=organisation, code=currency, ref=reference, how=how_much)
    def refund(self, payer: int, code: str, ref: str, how: tuple[str, int]) -> None:
        held = self.expected[(payer, "escrow", code, ref)]
        amount = self._amount(how, code, held)
        try:
            services.escrow_refund(payer=self.organisations[payer], money=Money(amount, code), reference=ref)
        except InsufficientFunds:
            assert amount > held
            return
        assert amount <= held
        self._post({(payer, "escrow", code, ref): -amount, (payer, "available", code, ""): amount})

    @rule(org=organisation, code=currency, how=how_much)
    def payout(self, org: int, code: str, how: tuple[str, int]) -> None:
        have = self.expected[(org, "available", code, "")]
        amount = self._amount(how, code, have)
        try:
            services.payout_create(organisation_id=self.organisations[org].pk, actor=self.admins[org],
                                   amount=str(amount), currency=code, bank_account=BANK)
        except InsufficientFunds:
            assert amount > have
            return
        assert amount <= have
        self._post({(org, "available", code, ""): -amount, (None, "bank_out", code, ""): amount})

    @invariant()
    def ledger_is_consistent(self) -> None:
        report = selectors.ledger_check()
        assert report.problems == []
        assert report.transactions == LedgerTransaction.objects.count() == self.transactions

    @invariant()
    def balances_equal_the_model(self) -> None:
        index = {o.pk: i for i, o in enumerate(self.organisations)}
        rows = LedgerAccount.objects.values("organisation_id", "kind", "currency", "reference").annotate(
            total=Sum("postings__amount"))
        actual = {(index[r["organisation_id"]] if r["organisation_id"] else None, r["kind"], r["currency"],
                   r["reference"]): Decimal(r["total"] or 0) for r in rows}
        assert {k: v for k, v in actual.items() if v} == {k: v for k, v in self.expected.items() if v}
        assert all(v >= 0 for (org, *_rest), v in actual.items() if org is not None)
        for i, member in enumerate(self.organisations):
            balances = {b.currency: (b.available, b.escrow) for b in selectors.balances_of(member.pk)}
            for code in CURRENCIES:
                escrow = sum((v for (o, kind, c, _r), v in self.expected.items()
                              if (o, kind, c) == (i, "escrow", code)), Decimal(0))
                want = (self.expected[(i, "available", code, "")], escrow)
                assert balances.get(code, (Decimal(0), Decimal(0))) == want


@pytest.mark.django_db
def test_random_money_movements_keep_the_ledger_right(db: Any) -> None:
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=30, stateful_step_count=30, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow]))
