"""The data-IP register: data products applied for, reviewed, published for objections and
granted; objections; the signed certificates; and the counters the registry's numbers come
from."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.files import StoredFile
from ipx.core.workflow import StatusEvent


class DataSource(models.TextChoices):
    """Where the data comes from; the value is the two-digit code in registration numbers."""

    OPERATIONS = "01", _("Generated in the registrant's own operations")
    PUBLIC = "02", _("Collected from public sources")
    LICENSED = "03", _("Obtained under licence or by purchase")
    DERIVED = "04", _("Derived by processing other data")


class UpdateFrequency(models.TextChoices):
    REAL_TIME = "real_time", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    ONCE = "once", _("Not updated")


class Industry(models.TextChoices):
    """The sections of the national industry classification (GB/T 4754-2017)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741 - the classification's letter
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities")
    O = "O", _("Resident, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")


class DataProduct(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FORMAL_REVIEW = "formal_review", _("Formal check")
        SUBSTANTIVE_REVIEW = "substantive", _("Substantive check")
        RETURNED = "returned", _("Returned for changes")
        PUBLICITY = "publicity", _("In publicity")
        GRANTED = "granted", _("Registered")
        CHANGE_REVIEW = "change_review", _("Change under review")
        REJECTED = "rejected", _("Rejected")
        REFUSED = "refused", _("Refused after publicity")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled by the registrant")
        REVOKED = "revoked", _("Revoked")

    class FingerprintOf(models.TextChoices):
        DATA_SET = "data_set", _("The data set")
        DEPOSIT = "deposit", _("An evidence-deposit file")

    registrant = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="data_products",
                                   verbose_name=_("registrant"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    source = models.CharField(_("data source"), max_length=2, choices=DataSource.choices)
    collection_method = models.TextField(_("how it was collected"))
    lawful_basis = models.TextField(_("lawful basis"))
    records = models.PositiveBigIntegerField(_("records"))
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    structure = models.TextField(_("structure and fields"))
    update_frequency = models.CharField(_("updated"), max_length=10, choices=UpdateFrequency.choices)
    span_from = models.DateField(_("data from"))
    span_until = models.DateField(_("data until"))
    restrictions = models.TextField(_("use restrictions"), blank=True)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    fingerprint_of = models.CharField(_("fingerprint of"), max_length=8, choices=FingerprintOf.choices,
                                      default=FingerprintOf.DATA_SET)
    # True when the registry computed the fingerprint from the uploaded file itself.
    fingerprint_computed = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    registration_number = models.CharField(_("registration number"), max_length=16, unique=True, null=True,
                                           blank=True)
    # The working day by which the registry's current step is due (review, objections).
    step_due_on = models.DateField(_("due"), null=True, blank=True)
    publicity_from = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_until = models.DateField(_("objections until"), null=True, blank=True)
    # A change asked for after registration: the fields and their new values, until decided.
    pending_change = models.JSONField(default=dict, blank=True)
    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="data_product")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("applied"), null=True, blank=True)
    granted_at = models.DateTimeField(_("registered"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("data product")
        verbose_name_plural = _("data products")
        indexes = [models.Index(fields=["status", "step_due_on"], name="dataproduct_queue")]

    def __str__(self) -> str:
        return self.name

    # What the catalog asks of an asset's detail (``Asset.detail``).
    @property
    def identifier(self) -> str:
        return self.registration_number or ""

    @cached_property
    def current_certificate(self) -> Certificate | None:
        return self.certificates.filter(status=Certificate.Status.VALID).order_by("-valid_until").first()

    @property
    def expiry_date(self) -> date | None:
        current = self.current_certificate
        return current.valid_until if current else None

    @property
    def register_url(self) -> str:
        """The registry's public verification page of the current certificate."""
        current = self.current_certificate
        return reverse("dataip:verify", args=[current.number]) if current else ""


class DataProductEvent(StatusEvent):
    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass


class Sample(StoredFile):
    storage_kind = "dataip-samples"

    product = models.OneToOneField(DataProduct, on_delete=models.CASCADE, related_name="sample")


class Deposit(StoredFile):
    """The data set (or evidence file) itself, when the applicant hands it to the registry."""

    storage_kind = "dataip-deposits"

    product = models.OneToOneField(DataProduct, on_delete=models.CASCADE, related_name="deposit")
    size = models.PositiveBigIntegerField(_("size"))  # up to the 2 GB a deposit may be


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="objections")
    objector = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("objector"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("on behalf of"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("decision"), blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.pk}"


class Evidence(StoredFile):
    storage_kind = "dataip-evidence"

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUPERSEDED = "superseded", _("Replaced by a later certificate")
        CANCELLED = "cancelled", _("Cancelled")
        REVOKED = "revoked", _("Revoked")

    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=17, unique=True)
    issued_on = models.DateField(_("issued"))
    valid_until = models.DateField(_("valid until"))
    # Exactly what was signed (``ipx.dataip.signing``), the signature and the key's id.
    payload = models.JSONField()
    signature = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("data-IP certificate")
        verbose_name_plural = _("data-IP certificates")

    def __str__(self) -> str:
        return self.number


class Sequence(models.Model):
    """A counter the registry allocates numbers from (one per registry and year), read and
    advanced under its row lock so that numbers have no gaps and no repeats."""

    name = models.CharField(max_length=40, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last}"
