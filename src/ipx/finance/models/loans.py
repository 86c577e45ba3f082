"""Loans against the pledge of IP rights, their collateral, schedules and events."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency
from ipx.core.workflow import StatusEvent
from ipx.finance.models.valuations import Valuation


class Loan(models.Model):
    """A loan a bank makes to an enterprise against the pledge of its IP rights, from the
    application to repayment (the pledge released) or default."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        OFFERED = "offered", _("Offered")
        DECLINED = "declined", _("Declined")
        ACCEPTED = "accepted", _("Accepted: pledge to register")
        PLEDGE_SUBMITTED = "pledge_submitted", _("Pledge registration submitted")
        ACTIVE = "active", _("Disbursed")
        REPAID = "repaid", _("Repaid")
        DEFAULTED = "defaulted", _("Defaulted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        EQUAL_INSTALMENTS = "equal_instalments", _("Equal instalments")
        EQUAL_PRINCIPAL = "equal_principal", _("Equal principal")

    borrower = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="loans_borrowed",
                                 verbose_name=_("borrower"))
    bank = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="loans_made",
                             verbose_name=_("bank"))
    collateral: models.ManyToManyField[Asset, LoanCollateral] = models.ManyToManyField(
        Asset, through="LoanCollateral", related_name="loans")
    valuation = models.ForeignKey(Valuation, on_delete=models.PROTECT, null=True, blank=True, related_name="loans",
                                  verbose_name=_("valuation"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    requested_amount = models.DecimalField(_("amount asked for"), **AMOUNT_FIELD_OPTIONS)
    requested_months = models.PositiveSmallIntegerField(_("term asked for (months)"))
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    # The bank's offer.
    amount = models.DecimalField(_("amount"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    annual_percent = models.DecimalField(_("interest (% a year)"), max_digits=5, decimal_places=2, null=True,
                                         blank=True)
    months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    method = models.CharField(_("repayment"), max_length=17, choices=Method.choices, blank=True)
    ltv_percent = models.DecimalField(_("loan-to-value (%)"), max_digits=5, decimal_places=2, null=True,
                                      blank=True)
    penalty_percent = models.DecimalField(_("penalty interest (% a year)"), max_digits=5, decimal_places=2,
                                          default=0)
    default_after_days = models.PositiveSmallIntegerField(_("default after (days overdue)"), default=90)
    decline_reason = models.TextField(_("reason"), blank=True)
    # The pledge: registered with the office, its number checked by the exchange's operator.
    pledge_number = models.CharField(_("pledge registration number"), max_length=40, blank=True)
    pledge_checked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pledge_checked_at = models.DateTimeField(_("pledge checked"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("disbursed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("pledge loan")
        verbose_name_plural = _("pledge loans")

    def __str__(self) -> str:
        return f"#{self.pk} {self.borrower_id}→{self.bank_id}"

    @property
    def ledger_reference(self) -> str:
        return f"loan:{self.pk}"


class LoanCollateral(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="collateral_links")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="pledges")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["loan", "asset"], name="loan_collateral_unique")]

    def __str__(self) -> str:
        return f"{self.loan_id} ∋ {self.asset_id}"


class Instalment(models.Model):
    """One line of the schedule made at disbursement and kept."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        OVERDUE = "overdue", _("Overdue")
        PAID = "paid", _("Paid")

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due"))
    principal = models.DecimalField(_("principal"), **AMOUNT_FIELD_OPTIONS)
    interest = models.DecimalField(_("interest"), **AMOUNT_FIELD_OPTIONS)
    balance = models.DecimalField(_("balance after"), **AMOUNT_FIELD_OPTIONS)
    penalty = models.DecimalField(_("penalty interest"), default=0, **AMOUNT_FIELD_OPTIONS)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DUE)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # The Idempotency-Key it was paid with: a retry is answered as the first time.
    paid_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["loan", "number"]
        constraints = [models.UniqueConstraint(fields=["loan", "number"], name="instalment_loan_number")]

    def __str__(self) -> str:
        return f"{self.loan_id}/{self.number}"

    @property
    def amount_due(self) -> Decimal:
        return self.principal + self.interest + self.penalty


class LoanEvent(StatusEvent):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass
