"""IP securitisation: licence-fee receivables, the products (ABS) pooling them, their
tranches, fees, triggers and investors' holdings, and the periods serviced through the ledger.

A product's money sits in escrow accounts of its trustee, one per purpose (``abs:<id>:…``),
so it can never go below zero and never pays for another product."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.core.files import StoredFile
from ipx.core.money import AMOUNT_FIELD_OPTIONS, ZERO, Currency
from ipx.core.workflow import StatusEvent
from ipx.deals.models import Deal
from ipx.ledger.models import LedgerTransaction


class Receivable(models.Model):
    """A stream of licence fees or royalties an originator is owed: from a licence deal it
    concluded on the exchange as licensor, or from an off-platform contract (kept as a private
    file). Its schedule is its ``instalments``."""

    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        LATE = "late", _("Late")
        DEFAULTED = "defaulted", _("Defaulted")
        PAID = "paid", _("Paid")

    class Source(models.TextChoices):
        DEAL = "deal", _("Licence deal on the exchange")
        CONTRACT = "contract", _("Off-platform contract")

    originator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="abs_receivables",
                                   verbose_name=_("originator"))
    # The payer is an organisation on the exchange (always so for a deal) or named only.
    payer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("payer"))
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="abs_receivables",
                             verbose_name=_("deal"))
    contract_reference = models.CharField(_("contract number"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CURRENT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        # A deal's fees are sold once: two receivables on one deal would be double-counted.
        constraints = [models.UniqueConstraint(fields=["deal"], condition=Q(deal__isnull=False),
                                               name="abs_receivable_deal_once")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.payer_label}"

    @property
    def payer_label(self) -> str:
        return self.payer.name if self.payer is not None else self.payer_name


class ReceivableContract(StoredFile):
    """The off-platform contract a receivable is entered from (a checked PDF or scan)."""

    receivable = models.OneToOneField(Receivable, on_delete=models.CASCADE, related_name="contract")

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    storage_kind = "abs-contracts"


class ReceivableInstalment(models.Model):
    receivable = models.ForeignKey(Receivable, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due"))
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    paid_amount = models.DecimalField(_("paid"), default=ZERO, **AMOUNT_FIELD_OPTIONS)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"{self.receivable_id} {self.due_on} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount


class Product(models.Model):
    """A securitisation: the originator pools receivables, structures tranches over them,
    issues them to investors and the trustee services each period's waterfall."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        POOLED = "pooled", _("Pool selected")
        STRUCTURED = "structured", _("Structured")
        ISSUED = "issued", _("Issued")
        SERVICING = "servicing", _("Servicing")
        RETIRED = "retired", _("Retired")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=200)
    originator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="abs_originated",
                                   verbose_name=_("originator"))
    trustee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="abs_trusteed",
                                verbose_name=_("trustee"))
    servicer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="abs_serviced",
                                 verbose_name=_("servicer"))
    guarantor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="abs_guaranteed", verbose_name=_("shortfall guarantor"))
    guarantee_limit = models.DecimalField(_("guarantee limit"), default=ZERO, **AMOUNT_FIELD_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    cut_off = models.DateField(_("cut-off date"))
    periods_per_year = models.PositiveSmallIntegerField(_("payment periods a year"), default=4)
    # No payer may be more than this share of the pool.
    # xgettext:no-python-format
    concentration_percent = models.DecimalField(_("largest payer (% of the pool)"), max_digits=5,
                                                decimal_places=2, default=Decimal(25))
    reserve_target = models.DecimalField(_("reserve target"), default=ZERO, **AMOUNT_FIELD_OPTIONS)
    tax_percent = models.DecimalField(_("tax on collections (%)"), max_digits=5, decimal_places=2,
                                      default=ZERO)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The waterfall's state carried between periods (tranche balances are on the tranches).
    sequential = models.BooleanField(_("sequential pay"), default=False)
    accelerated = models.BooleanField(_("accelerated"), default=False)
    guarantor_paid = models.DecimalField(_("paid by the guarantor"), default=ZERO, **AMOUNT_FIELD_OPTIONS)
    issue_key = models.CharField(max_length=100, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("securitisation")
        verbose_name_plural = _("securitisations")

    def __str__(self) -> str:
        return self.name

    def ledger_reference(self, account: str) -> str:
        """The reference of one of the product's escrow accounts: collections, reserve, tax, issue."""
        return f"abs:{self.pk}:{account}"


class ProductEvent(StatusEvent):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass


class PoolEntry(models.Model):
    """A receivable in a product's pool, with its balance at the cut-off. A receivable is in
    one live pool at most (``live`` is cleared when its product is cancelled or retired)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="entries")
    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT, related_name="pool_entries")
    balance = models.DecimalField(_("balance at cut-off"), **AMOUNT_FIELD_OPTIONS)
    live = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "receivable"], name="abs_pool_entry_once"),
            models.UniqueConstraint(fields=["receivable"], condition=Q(live=True), name="abs_receivable_one_live_pool"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ∋ {self.receivable_id}"


class Tranche(models.Model):
    class Seniority(models.TextChoices):
        SENIOR = "senior", _("Senior")
        MEZZANINE = "mezzanine", _("Mezzanine")
        SUBORDINATED = "subordinated", _("Subordinated")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="tranches")
    name = models.CharField(_("name"), max_length=60)
    seniority = models.CharField(_("seniority"), max_length=12, choices=Seniority.choices)
    size = models.DecimalField(_("size"), **AMOUNT_FIELD_OPTIONS)
    coupon_percent = models.DecimalField(_("coupon (% a year)"), max_digits=6, decimal_places=3)
    legal_maturity = models.DateField(_("legal maturity"))
    priority = models.PositiveSmallIntegerField(_("priority"))
    # Outstanding principal and unpaid interest, as the last period left them.
    balance = models.DecimalField(_("outstanding"), **AMOUNT_FIELD_OPTIONS)
    interest_shortfall = models.DecimalField(_("unpaid interest"), default=ZERO, **AMOUNT_FIELD_OPTIONS)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="abs_tranche_name"),
                       models.UniqueConstraint(fields=["product", "priority"], name="abs_tranche_priority")]

    def __str__(self) -> str:
        return self.name


class FeeTerm(models.Model):
    """A fee paid each period to its payee: a fixed amount and/or a yearly rate on the pool balance."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("name"), max_length=60)
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid to"))
    amount = models.DecimalField(_("per period"), default=ZERO, **AMOUNT_FIELD_OPTIONS)
    rate_percent = models.DecimalField(_("% a year of the pool"), max_digits=6, decimal_places=3, default=ZERO)

    class Meta:
        ordering = ["id"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="abs_fee_name")]

    def __str__(self) -> str:
        return self.name


class TriggerTerm(models.Model):
    class Metric(models.TextChoices):
        ASSET_COVERAGE = "asset_coverage", _("Asset coverage (pool ÷ notes)")
        INTEREST_COVERAGE = "interest_coverage", _("Interest coverage (collections ÷ senior interest)")

    class Consequence(models.TextChoices):
        SEQUENTIAL = "sequential", _("Switch to sequential pay")
        ACCELERATE = "accelerate", _("Accelerate the senior notes")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="triggers")
    name = models.CharField(_("name"), max_length=60)
    metric = models.CharField(_("measure"), max_length=18, choices=Metric.choices)
    threshold = models.DecimalField(_("breached below"), max_digits=8, decimal_places=4)
    action = models.CharField(_("then"), max_length=10, choices=Consequence.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="abs_trigger_name")]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """An investor's holding of a tranche: committed while the product is structured, paid
    through the ledger when it is issued; interest and principal are paid pro rata to holdings."""

    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="subscriptions")
    investor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="abs_holdings",
                                 verbose_name=_("investor"))
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        ordering = ["tranche__priority", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["tranche", "investor"], name="abs_subscription_once")]

    def __str__(self) -> str:
        return f"{self.tranche_id}/{self.investor_id} {self.amount}"


class Period(models.Model):
    """One payment period: the collections the servicer recorded (paid into the collection
    account) and, once run, the waterfall's result. Numbered from 1; run once."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("period"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    collections = models.DecimalField(_("collections"), default=ZERO, **AMOUNT_FIELD_OPTIONS)
    collections_transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, null=True,
                                                blank=True, related_name="+")
    collections_key = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("collections recorded"), auto_now_add=True)
    # The run: when, by whom, with which Idempotency-Key, and what it left.
    ran_at = models.DateTimeField(_("run"), null=True, blank=True)
    ran_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    run_key = models.CharField(max_length=100, blank=True)
    pool_balance_after = models.DecimalField(_("pool balance after"), null=True, blank=True,
                                             **AMOUNT_FIELD_OPTIONS)
    reserve_after = models.DecimalField(_("reserve after"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    coverage = models.JSONField(default=dict, blank=True)  # metric → ratio as text
    breached = models.JSONField(default=list, blank=True)  # trigger names
    shortfalls = models.JSONField(default=dict, blank=True)  # what went unpaid, by name, as text

    class Meta:
        ordering = ["product", "number"]
        verbose_name = _("payment period")
        verbose_name_plural = _("payment periods")
        constraints = [models.UniqueConstraint(fields=["product", "number"], name="abs_period_once")]

    def __str__(self) -> str:
        return f"{self.product_id}#{self.number}"

    @property
    def is_run(self) -> bool:
        return self.ran_at is not None


class Collection(models.Model):
    """What a period's collections paid on one instalment of a pooled receivable."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="collections_applied")
    instalment = models.ForeignKey(ReceivableInstalment, on_delete=models.PROTECT, related_name="collections")
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["period", "instalment"], name="abs_collection_once")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.instalment_id} {self.amount}"


class PeriodPayment(models.Model):
    """One step of a period's waterfall and the ledger transaction that made it."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="payments")
    position = models.PositiveSmallIntegerField()
    action = models.CharField(_("step"), max_length=16)
    source = models.CharField(_("from"), max_length=60)
    target = models.CharField(_("to"), max_length=60)
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    note = models.CharField(_("note"), max_length=200, blank=True)
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["period", "position"]
        constraints = [models.UniqueConstraint(fields=["period", "position"], name="abs_period_payment_position")]

    def __str__(self) -> str:
        return f"{self.period_id}.{self.position} {self.action} {self.amount}"
