"""Technology demands (what enterprises need) and members' saved listing searches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.regions import Province, RegionKind, region_code, region_label
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency, Money
from ipx.core.workflow import StatusEvent
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


class DemandEvent(StatusEvent):
    """Every status change (and edit of a published demand), who made it and why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
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


class MatchingVersion(models.Model):
    """A counter per engine ("listings", "demands"), raised after every change of what that
    engine indexes. Each process keeps its engines with the counter they were built at and
    rebuilds one when its counter moved, so every process follows without talking to the
    others. ``token`` is new for every row created: an engine built for another database
    (a restored one, or another test's) is never taken for this one's at the same count."""

    name = models.CharField(max_length=20, primary_key=True)
    version = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("matching index version")
        verbose_name_plural = _("matching index versions")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class MatchingChange(models.Model):
    """Which listings or demands one raise of an engine's counter was for: a process whose
    engine is a few counts behind adds just those (``incremental``) instead of rebuilding.
    A raise without a row (everything may have changed) makes it rebuild; old rows are
    pruned, and a process further behind than they reach rebuilds too."""

    name = models.CharField(max_length=20)
    version = models.BigIntegerField()
    object_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = _("matching index change")
        verbose_name_plural = _("matching index changes")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="matching_change_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class DemandMatch(models.Model):
    """A listing that may solve a published demand: the kept result of the matching engine.

    A row is in the demand's current list while ``rank`` is set (1 = best). A pair that
    falls out of the list keeps its row with ``rank`` empty, so that a pair is notified at
    most once however often it leaves and comes back; rows go when the demand closes."""

    class Method(models.TextChoices):
        HYBRID = "hybrid", _("words, meaning and facts")
        LEXICAL = "lexical", _("words and facts")

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    score = models.FloatField(_("score"))
    lexical_score = models.FloatField(_("word score (BM25F)"), null=True, blank=True)
    dense_score = models.FloatField(_("meaning score (cosine)"), null=True, blank=True)
    structured_score = models.FloatField(_("facts score"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    # Matched terms, shared IPC codes and reason codes with their values (never sentences:
    # pages say them in the reader's language).
    explanation = models.JSONField(_("explanation"), default=dict)
    first_matched_at = models.DateTimeField(_("first matched"))
    computed_at = models.DateTimeField(_("computed"))
    notified = models.BooleanField(_("both sides notified"), default=False)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["demand_id", "rank"]
        verbose_name = _("demand match")
        verbose_name_plural = _("demand matches")
        constraints = [models.UniqueConstraint(fields=["demand", "listing"], name="demand_match_unique")]
        indexes = [
            models.Index(fields=["demand", "rank"], name="demand_match_rank"),
            models.Index(fields=["listing", "rank"], name="demand_match_listing"),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.listing_id} (#{self.rank or '-'})"


class DemandMatchRun(models.Model):
    """The last ranking of a demand's listings: when, how, and how many were kept (also when
    none was, which no DemandMatch row could say)."""

    demand = models.OneToOneField(Demand, on_delete=models.CASCADE, primary_key=True, related_name="match_run")
    method = models.CharField(_("method"), max_length=8, choices=DemandMatch.Method.choices)
    kept = models.PositiveSmallIntegerField(_("listings kept"), default=0)
    # How surely the best ranked listing is what the demand asks for (``title_confidence``);
    # below GOOD_MATCH nothing is kept. Null: not judged (a demand not in Chinese, or none ranked).
    fit = models.FloatField(_("best listing's fit"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("demand matching run")
        verbose_name_plural = _("demand matching runs")

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.kept} ({self.method})"


class MatchingWatermark(models.Model):
    """How far ``ipx rematch`` has followed the changes: every listing, asset, organisation
    and demand changed before ``changes_until`` has been ranked again since. One row per
    kind of run ("rematch"); it lives in the database beside what it describes, so a
    restored copy carries the right one."""

    name = models.CharField(max_length=20, primary_key=True)
    changes_until = models.DateTimeField(_("changes applied up to"))
    finished_at = models.DateTimeField(_("finished"))
    full = models.BooleanField(_("full run"), default=False)

    class Meta:
        verbose_name = _("matching watermark")
        verbose_name_plural = _("matching watermarks")

    def __str__(self) -> str:
        return f"{self.name} {self.changes_until:%Y-%m-%d %H:%M:%S}"
