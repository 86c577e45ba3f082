"""Risk-compensation pools, their members and the loans they cover."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.core.money import AMOUNT_FIELD_OPTIONS, CENT, Currency
from ipx.finance.models.loans import Loan


class Pool(models.Model):
    """A risk-compensation pool: a government sponsor's fund of size F backs loans up to F × L;
    a default's loss is shared among the fund, the bank, an insurer and the appraiser by
    ratios summing to 100, the compensation to the bank capped per loan."""

    sponsor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pools_sponsored",
                                verbose_name=_("sponsor"))
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    fund_size = models.DecimalField(_("fund size"), **AMOUNT_FIELD_OPTIONS)
    leverage = models.DecimalField(_("leverage"), max_digits=6, decimal_places=2)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    fund_percent = models.DecimalField(_("fund's share (%)"), max_digits=5, decimal_places=2)
    bank_percent = models.DecimalField(_("bank's share (%)"), max_digits=5, decimal_places=2)
    insurer_percent = models.DecimalField(_("insurer's share (%)"), max_digits=5, decimal_places=2, default=0)
    appraiser_percent = models.DecimalField(_("appraiser's share (%)"), max_digits=5, decimal_places=2, default=0)
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("insurer"))
    cap_per_loan = models.DecimalField(_("compensation cap per loan"), **AMOUNT_FIELD_OPTIONS)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("risk-compensation pool")
        verbose_name_plural = _("risk-compensation pools")

    def __str__(self) -> str:
        return self.name

    @property
    def capacity(self) -> Decimal:
        return (self.fund_size * self.leverage).quantize(CENT)

    @property
    def ledger_reference(self) -> str:
        return f"pool:{self.pk}"


class PoolMember(models.Model):
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pool_memberships")
    admitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "organisation"], name="pool_member_once")]

    def __str__(self) -> str:
        return f"{self.pool_id} ∋ {self.organisation_id}"


class Enrolment(models.Model):
    """A loan covered by a pool: it holds the loan's amount of the pool's capacity until
    repaid (freed) or, on default, compensated."""

    class Status(models.TextChoices):
        COVERED = "covered", _("Covered")
        FREED = "freed", _("Repaid")
        COMPENSATED = "compensated", _("Defaulted and compensated")

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="enrolments")
    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="enrolment")
    covered = models.DecimalField(_("covered"), **AMOUNT_FIELD_OPTIONS)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.COVERED)
    # On default: the loss and how it was shared (amounts by party), and recoveries shared back.
    loss = models.DecimalField(_("loss"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    shares = models.JSONField(default=dict, blank=True)
    recovered = models.DecimalField(_("recovered"), default=0, **AMOUNT_FIELD_OPTIONS)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.pool_id}/{self.loan_id}"
