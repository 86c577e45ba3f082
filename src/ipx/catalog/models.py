from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipx.accounts.models import Organisation
from ipx.catalog import terms
from ipx.core.files import RandomPrivateName
from ipx.core.storage import public_media_storage
from ipx.core.workflow import StatusEvent


class IpcCode(models.Model):
    """One entry of the International Patent Classification (any level)."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section")
        CLASS = "class", _("Class")
        SUBCLASS = "subclass", _("Subclass")
        MAIN_GROUP = "main_group", _("Main group")
        SUBGROUP = "subgroup", _("Subgroup")

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.CharField(_("parent"), max_length=20, blank=True, db_index=True)
    title_zh = models.TextField(_("title (Simplified Chinese)"))
    title_zh_hant = models.TextField(_("title (Traditional Chinese)"))
    title_en = models.TextField(_("title (English)"), blank=True)

    class Meta:
        verbose_name = _("IPC code")
        verbose_name_plural = _("IPC codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh[:40]}"


class NiceClass(models.Model):
    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICES = "services", _("Services")

    number = models.PositiveSmallIntegerField(_("class"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    heading_zh = models.TextField(_("heading (Simplified Chinese)"))
    heading_zh_hant = models.TextField(_("heading (Traditional Chinese)"))
    note_en = models.TextField(_("explanatory note (English)"))

    class Meta:
        verbose_name = _("Nice class")
        verbose_name_plural = _("Nice classes")
        ordering = ["number"]

    def __str__(self) -> str:
        return str(self.number)


class Asset(models.Model):
    """An IP right shown on IPX. Type-specific facts live in the one-to-one detail models."""

    class Type(models.TextChoices):
        PATENT = "patent", _("Patent")
        TRADEMARK = "trademark", _("Trademark")
        COPYRIGHT = "copyright", _("Copyright")
        GI = "gi", _("Geographical-indication product")
        DATA = "data", _("Data IP")

    class LegalStatus(models.TextChoices):
        PENDING = "pending", _("Application pending")
        IN_FORCE = "in_force", _("In force")
        LAPSED = "lapsed", _("Lapsed")
        EXPIRED = "expired", _("Expired")
        INVALIDATED = "invalidated", _("Invalidated")
        WITHDRAWN = "withdrawn", _("Withdrawn or refused")

    ip_type = models.CharField(_("IP type"), max_length=12, choices=Type.choices)
    holder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assets", verbose_name=_("holder"),
        help_text=_("The organisation that manages this asset on IPX."),
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    legal_status = models.CharField(_("legal status"), max_length=12, choices=LegalStatus.choices,
                                    default=LegalStatus.IN_FORCE)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("IP asset")
        verbose_name_plural = _("IP assets")
        indexes = [models.Index(fields=["holder", "ip_type"], name="asset_holder_type")]

    def __str__(self) -> str:
        return self.title

    @property
    def detail(self) -> Patent | Trademark | Copyright | GIProduct | None:
        # Data IP's detail is its registration in the data-IP register (``ipx.dataip``).
        related = {"patent": "patent", "trademark": "trademark", "copyright": "copyright", "gi": "gi_product",
                   "data": "data_product"}
        name = related.get(self.ip_type)
        return getattr(self, name, None) if name else None

    @property
    def identifier(self) -> str:
        detail = self.detail
        return detail.identifier if detail is not None else ""

    @property
    def expiry_date(self) -> date | None:
        detail = self.detail
        return detail.expiry_date if detail is not None else None

    @property
    def effective_status(self) -> str:
        """The recorded status, except that a right past its term shows as expired."""
        return self.status_on(timezone.localdate())

    def status_on(self, day: date) -> str:
        """The recorded status, except that a right past its term on ``day`` is expired."""
        expiry = self.expiry_date
        if self.legal_status == self.LegalStatus.IN_FORCE and expiry is not None and expiry < day:
            return self.LegalStatus.EXPIRED
        return self.legal_status

    @property
    def effective_status_label(self) -> str:
        return str(self.LegalStatus(self.effective_status).label)


class AssetOwner(models.Model):
    """A (co-)owner of record; an organisation on IPX or just a name from the register."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="owned_assets")
    name = models.CharField(_("owner"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("owner")
        verbose_name_plural = _("owners")

    def __str__(self) -> str:
        return self.name


class AssetLicence(models.Model):
    """A licence granted on an asset (recorded when a licence deal completes)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="licences")
    licensor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licences_granted",
                                 verbose_name=_("licensor"))
    licensee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licences_held",
                                 verbose_name=_("licensee"))
    exclusivity = models.CharField(_("exclusivity"), max_length=14)
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    field_of_use = models.CharField(_("field of use"), max_length=200, blank=True)
    starts_on = models.DateField(pgettext_lazy("licence start date", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    recordal_number = models.CharField(_("recordal number"), max_length=40, blank=True)
    # What created it, e.g. "deal:12"; a reference, so the catalog need not know deals.
    source = models.CharField(_("source"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self) -> str:
        return f"{self.asset_id} → {self.licensee_id}"


class Patent(models.Model):
    class Kind(models.TextChoices):
        INVENTION = "invention", _("Invention")
        UTILITY_MODEL = "utility_model", _("Utility model")
        DESIGN = "design", _("Design")

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="patent")
    office = models.CharField(_("patent office"), max_length=2, default="CN")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    application_number = models.CharField(_("application number"), max_length=40, null=True, blank=True)
    publication_number = models.CharField(_("publication number"), max_length=40, null=True, blank=True)
    grant_number = models.CharField(_("grant number"), max_length=40, null=True, blank=True)
    filing_date = models.DateField(_("filing date"), null=True, blank=True)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    ipc_main = models.CharField(_("main IPC"), max_length=20, blank=True)
    ipc_codes = models.JSONField(_("IPC codes"), default=list, blank=True)
    inventors = models.TextField(_("inventors"), blank=True)
    claims = models.TextField(_("claims"), blank=True)

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        constraints = [
            models.UniqueConstraint(fields=["office", "application_number"], name="patent_application_unique"),
            models.UniqueConstraint(fields=["office", "publication_number"], name="patent_publication_unique"),
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return self.application_number or self.publication_number or self.grant_number or ""

    @property
    def expiry_date(self) -> date | None:
        return terms.patent_expiry(self.office, self.kind, self.filing_date)

    @property
    def register_url(self) -> str:
        return terms.patent_register_url(self.office, self.publication_number or self.grant_number,
                                         self.application_number)


class Trademark(models.Model):
    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="trademark")
    office = models.CharField(_("trademark office"), max_length=2, default="CN")
    registration_number = models.CharField(_("registration number"), max_length=20)
    nice_classes = models.JSONField(_("Nice classes"), default=list)
    goods_services = models.TextField(_("goods and services"), blank=True)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    renewed_until = models.DateField(_("renewed until"), null=True, blank=True,
                                     help_text=_("Set when the registration was renewed."))
    # The only uploads anyone may see: kept in the public media storage, not the private one.
    image = models.ImageField(_("image"), upload_to="trademarks/", storage=public_media_storage, blank=True)

    class Meta:
        verbose_name = _("trademark")
        verbose_name_plural = _("trademarks")
        constraints = [
            models.UniqueConstraint(fields=["office", "registration_number"], name="trademark_number_unique")
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return self.registration_number

    @property
    def expiry_date(self) -> date | None:
        return self.renewed_until or terms.trademark_expiry(self.registration_date)

    @property
    def register_url(self) -> str:
        return terms.TRADEMARK_REGISTER_URL if self.office == "CN" else ""


class Copyright(models.Model):
    class Kind(models.TextChoices):
        SOFTWARE = "software", _("Computer software")
        WORK = "work", _("Work")

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="copyright")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    registration_number = models.CharField(_("registration number"), max_length=40, unique=True)
    work_category = models.CharField(_("category of work"), max_length=60, blank=True)
    version = models.CharField(_("version"), max_length=30, blank=True)
    completion_date = models.DateField(_("completed"), null=True, blank=True)
    registration_date = models.DateField(_("registered"), null=True, blank=True)

    class Meta:
        verbose_name = _("copyright")
        verbose_name_plural = _("copyrights")

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return self.registration_number

    @property
    def expiry_date(self) -> date | None:
        return None  # protection runs for the author's life plus 50 years; not known here

    @property
    def register_url(self) -> str:
        return terms.COPYRIGHT_REGISTER_URL


class GIProduct(models.Model):
    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="gi_product")
    protected_region = models.CharField(_("protected region"), max_length=200)
    producer = models.CharField(_("producer"), max_length=200)
    category = models.CharField(_("product category"), max_length=100, blank=True)
    approval_number = models.CharField(_("approval or announcement number"), max_length=60, blank=True)
    approval_date = models.DateField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("geographical-indication product")
        verbose_name_plural = _("geographical-indication products")

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return self.approval_number or self.asset.title

    @property
    def expiry_date(self) -> date | None:
        return None  # GI protection has no term

    @property
    def register_url(self) -> str:
        return terms.GI_REGISTER_URL


class ImportJob(models.Model):
    """One uploaded spreadsheet of assets being imported for an organisation.

    Counters are written while the rows are processed so a page can show the progress; the
    row report is written when the run ends.
    """

    class Kind(models.TextChoices):
        PATENTS = "patents", _("Patents")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="import_jobs", verbose_name=_("organisation"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("uploaded by"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PATENTS)
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=RandomPrivateName("imports"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    message = models.TextField(_("message"), blank=True,
                               help_text=_("Why the file as a whole could not be imported."))
    # The uploader's page language: the run happens later, elsewhere, and writes the report
    # in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("rows refused"), default=0)
    errors = models.JSONField(_("row report"), default=list, blank=True)
    errors_omitted = models.PositiveIntegerField(_("report entries left out"), default=0)
    # What the import wrote: the page follows what the exchange does with them after it
    # (e.g. matching preparing the listings offering them), see importing/follow_ups.py.
    assets = models.ManyToManyField(Asset, blank=True, related_name="import_jobs", verbose_name=_("assets written"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "-id"], name="importjob_org_recent")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportJobEvent(StatusEvent):
    """A job queued, started (again after a crash), finished or failed."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.job_id}: {self.verb}"
