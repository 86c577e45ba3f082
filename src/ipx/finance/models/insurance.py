"""IP insurance: an insurer's products (what it covers, its premium and cover rules, its term),
the policies organisations buy on their IP rights or on a pledge loan, and the claims made on
them with their evidence."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.files import StoredFile
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency
from ipx.core.workflow import StatusEvent
from ipx.finance.models.loans import Loan
from ipx.finance.models.pools import Enrolment


class InsuranceProduct(models.Model):
    class Kind(models.TextChoices):
        ENFORCEMENT = "enforcement", _("Patent enforcement cost cover")
        LOAN_GUARANTEE = "loan_guarantee", _("Pledge-loan guarantee cover")
        INFRINGEMENT_LIABILITY = "infringement_liability", _("Infringement liability cover")
        INVALIDATION_DEFENCE = "invalidation_defence", _("Invalidation defence cost cover")

    class PremiumRule(models.TextChoices):
        PER_ASSET = "per_asset", _("A base premium plus an amount per IP right")
        PERCENT = "percent", _("A percentage of the cover")

    class CoverRule(models.TextChoices):
        FIXED = "fixed", _("A fixed limit")
        MULTIPLE = "multiple", _("A multiple of the premium")

    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="insurance_products",
                                verbose_name=_("insurer"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    premium_rule = models.CharField(_("premium"), max_length=10, choices=PremiumRule.choices)
    premium_base = models.DecimalField(_("base premium"), default=0, **AMOUNT_FIELD_OPTIONS)
    premium_per_asset = models.DecimalField(_("premium per IP right"), default=0, **AMOUNT_FIELD_OPTIONS)
    # xgettext:no-python-format
    premium_percent = models.DecimalField(_("premium (% of the cover)"), max_digits=5, decimal_places=2, default=0)
    cover_rule = models.CharField(_("cover limit"), max_length=8, choices=CoverRule.choices)
    cover_fixed = models.DecimalField(_("cover limit"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    cover_multiple = models.DecimalField(_("cover (times the premium)"), max_digits=8, decimal_places=2, null=True,
                                         blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    active = models.BooleanField(_("on sale"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("insurance product")
        verbose_name_plural = _("insurance products")

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    """Cover bought on IP rights or on a pledge loan: quoted at request (the premium by the
    product's rule), issued when the premium is paid through the ledger, in force for the
    product's term, then expired."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Quoted")
        ISSUED = "issued", _("In force")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    product = models.ForeignKey(InsuranceProduct, on_delete=models.PROTECT, related_name="policies",
                                verbose_name=_("product"))
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="policies_written",
                                verbose_name=_("insurer"))
    policyholder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="policies_held",
                                     verbose_name=_("policyholder"))
    assets: models.ManyToManyField[Asset, PolicyAsset] = models.ManyToManyField(
        Asset, through="PolicyAsset", related_name="policies")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="policies",
                             verbose_name=_("loan"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    cover = models.DecimalField(_("cover"), **AMOUNT_FIELD_OPTIONS)
    premium = models.DecimalField(_("premium"), **AMOUNT_FIELD_OPTIONS)
    months = models.PositiveSmallIntegerField(_("term (months)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    premium_paid_at = models.DateTimeField(_("premium paid"), null=True, blank=True)
    # The Idempotency-Key the premium was paid with: a retry is answered as the first time.
    premium_key = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")

    def __str__(self) -> str:
        return f"#{self.pk} {self.product_id}→{self.policyholder_id}"

    @property
    def ledger_reference(self) -> str:
        return f"policy:{self.pk}"


class PolicyAsset(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="policy_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "asset"], name="policy_asset_unique")]

    def __str__(self) -> str:
        return f"{self.policy_id} ∋ {self.asset_id}"


class PolicyEvent(StatusEvent):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass


class Claim(models.Model):
    """A claim on a policy in force: filed by the policyholder with evidence, approved (an
    amount no more than the cover left) or rejected with a reason by the insurer, then paid
    out through the ledger. A guarantee policy's claim on a pool default is made and paid by
    the exchange as the loan defaults."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid out")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="claims", verbose_name=_("policy"))
    amount_claimed = models.DecimalField(_("amount claimed"), **AMOUNT_FIELD_OPTIONS)
    amount_approved = models.DecimalField(_("amount approved"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    description = models.TextField(_("what happened"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FILED)
    reason = models.TextField(_("reason"), blank=True)
    # Set on a claim the exchange made as a guaranteed loan defaulted in a pool.
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="guarantee_claims")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("insurance claim")
        verbose_name_plural = _("insurance claims")

    def __str__(self) -> str:
        return f"#{self.pk} on {self.policy_id}"

    # The workflow's guards ask the subject for its sides.
    @property
    def insurer_id(self) -> int:
        return self.policy.insurer_id

    @property
    def policyholder_id(self) -> int:
        return self.policy.policyholder_id

    @property
    def counted(self) -> Decimal:
        """What the claim takes of the policy's cover: its approved amount once approved."""
        if self.status in (self.Status.APPROVED, self.Status.PAID) and self.amount_approved is not None:
            return self.amount_approved
        return Decimal(0)


class ClaimEvidence(StoredFile):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    storage_kind = "claims"


class ClaimEvent(StatusEvent):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass
