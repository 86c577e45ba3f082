"""The one double-entry ledger every money movement goes through.

Each ``LedgerTransaction`` has two or more ``Posting`` rows whose signed amounts sum to zero
per currency. A posting's sign is from the account's side: a member's available or escrow
account rises with a positive posting; the external bank accounts stand for the world
outside the exchange and go negative as money comes in. Balances are the sum of postings,
never stored alone; postings and transactions are append-only (database triggers refuse
UPDATE and DELETE, see the migrations).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency

# Postings are signed; they need one more digit than an amount field.
SIGNED_AMOUNT_OPTIONS: dict[str, Any] = {"max_digits": 19, "decimal_places": 2}


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        AVAILABLE = "available", _("Available")
        ESCROW = "escrow", _("Held in escrow")
        FEE_INCOME = "fee_income", _("Platform fee income")
        BANK_IN = "bank_in", _("Bank (money in)")
        BANK_OUT = "bank_out", _("Bank (money out)")

    # Kinds that belong to a member and may never go below zero.
    MEMBER_KINDS = (Kind.AVAILABLE, Kind.ESCROW)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="ledger_accounts", verbose_name=_("organisation"))
    # An escrow account is per purpose (e.g. "deal:12"), so one deal's money can never pay
    # for another's; available accounts have no reference.
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    # One text key per account ("org:7:escrow:CNY:deal:12", "platform:fee_income:CNY") so the
    # uniqueness holds on every database despite NULL organisations.
    key = models.CharField(max_length=120, unique=True, editable=False)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        indexes = [models.Index(fields=["organisation", "currency"], name="ledger_account_org")]

    def __str__(self) -> str:
        return self.key


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        PAYOUT = "payout", _("Payout")
        ESCROW_HOLD = "escrow_hold", _("Escrow funded")
        ESCROW_RELEASE = "escrow_release", _("Escrow released")
        ESCROW_REFUND = "escrow_refund", _("Escrow refunded")
        FEE = "fee", _("Platform fee")
        FEE_REFUND = "fee_refund", _("Platform fee refunded")
        # Between two members' available balances: a loan paid out, an instalment repaid.
        TRANSFER = "transfer", _("Transfer")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    # What the money moved for, e.g. "deal:12" or "milestone:31"; searchable, not a foreign key,
    # because the ledger must not know the apps that use it.
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    provider_reference = models.CharField(_("payment provider reference"), max_length=100, blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}"


class Posting(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("amount"), **SIGNED_AMOUNT_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+} {self.currency}"


class IdempotencyRecord(models.Model):
    """The first answer to a money-moving request, returned again for the same key.

    Keys are per user: two members cannot collide, one member's retries find their answer.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Payout(models.Model):
    """Money a member asked to leave the exchange, and what the payment provider said."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    bank_account = models.CharField(_("bank account"), max_length=64)
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="payout")
    provider_reference = models.CharField(_("payment provider reference"), max_length=100)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.amount} {self.currency}"
