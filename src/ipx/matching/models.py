"""Technology demands (what enterprises need) and members' saved listing searches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.regions import Province, RegionKind, region_code, region_label
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency, Money
from ipx.listings.models import Listing

ANY_REGION = "any"
# Where a demand wants its solution from: the organisation regions, or anywhere.
REGION_CHOICES = [(ANY_REGION, _("Any region")), *RegionKind.choices]


class DemandLanguage(models.TextChoices):
    SIMPLIFIED = "zh-hans", _("Simplified Chinese")
    TRADITIONAL = "zh-hant", _("Traditional Chinese")
    ENGLISH = "en", _("English")


class Demand(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: members see who posted it")
        ANONYMOUS = "anonymous", _("Anonymous: the organisation is not shown")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="demands",
                                     verbose_name=_("posted by"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # Detected from the text; matching and the board read it to pick analysers and labels.
    language = models.CharField(_("language"), max_length=7, choices=DemandLanguage.choices)
    ipc_codes = models.JSONField(_("IPC classes"), default=list, blank=True)
    # The IPC sections of ipc_codes ("GH"), kept beside them so the board can filter by section
    # with a plain text match on every database.
    ipc_sections = models.CharField(max_length=8, blank=True, editable=False)

    budget_min_amount = models.DecimalField(_("budget from"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    budget_max_amount = models.DecimalField(_("budget up to"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    budget_currency = models.CharField(_("budget currency"), max_length=3, choices=Currency.choices, blank=True)

    region_kind = models.CharField(_("region"), max_length=10, choices=REGION_CHOICES, default=ANY_REGION)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))

    deadline = models.DateField(_("deadline"))
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("operator's note"), blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    solved = models.BooleanField(_("a solution was found"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Normalised tokens of title and description (ipx.search.normalise), space-padded, for
    # the board's text filter.
    search_terms = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")
        indexes = [
            models.Index(fields=["status", "published_at"], name="demand_status_published"),
            models.Index(fields=["organisation", "status"], name="demand_org_status"),
            models.Index(fields=["status", "deadline"], name="demand_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_anonymous(self) -> bool:
        return self.visibility == self.Visibility.ANONYMOUS

    @property
    def budget_min(self) -> Money | None:
        if self.budget_min_amount is None or not self.budget_currency:
            return None
        return Money(self.budget_min_amount, self.budget_currency)

    @property
    def budget_max(self) -> Money | None:
        if self.budget_max_amount is None or not self.budget_currency:
            return None
        return Money(self.budget_max_amount, self.budget_currency)

    @property
    def region_code(self) -> str:
        """CN-44, CN (anywhere on the mainland), HK, MO, TW, a country code, or "" for anywhere."""
        if self.region_kind == ANY_REGION:
            return ""
        return region_code(self.region_kind, self.province, self.country)

    @property
    def region_label(self) -> str:
        if self.region_kind == ANY_REGION:
            return str(_("Any region"))
        return region_label(self.region_kind, self.province, "", self.country)


class DemandEvent(models.Model):
    """Every status change (and edit of a published demand), who made it and why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=10, choices=Demand.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Demand.Status.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.from_status or '—'} → {self.to_status}"


class SavedSearch(models.Model):
    """A listing search a member keeps, with the search page's query parameters as they were."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    # The search page's parameters (q and the facet filters), URL-encoded in a fixed order.
    query_string = models.CharField(_("search"), max_length=2000)
    alerts = models.BooleanField(_("alert me to new listings"), default=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "query_string"], name="saved_search_user_query_unique"),
        ]
        indexes = [models.Index(fields=["alerts", "id"], name="saved_search_alerts")]

    def __str__(self) -> str:
        return self.name


class SavedSearchAlert(models.Model):
    """One alert sent: a saved search told its owner about one listing (never twice)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerts_sent")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("saved-search alert")
        verbose_name_plural = _("saved-search alerts")
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "listing"], name="saved_search_alert_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} → {self.listing_id}"
