"""The yearly expo: editions with their halls and zones, the exhibitors registered in an
edition (each with a booth), what they exhibit, the events held, and the records operators
enter of what was concluded outside the platform (on-site, off-platform) for the bulletin."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency
from ipx.listings.models import Listing

IpType = Asset.Type


class Edition(models.Model):
    """One yearly expo; editions never overlap, so a day belongs to at most one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    organisers = models.TextField(_("organisers"), blank=True)
    on_site = models.BooleanField(_("held on site"), default=True)
    online = models.BooleanField(_("held online"), default=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("expo edition")
        verbose_name_plural = _("expo editions")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="expo_edition_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("expo:edition", args=[self.slug])


class Hall(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="halls")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "position", "id"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [models.UniqueConstraint(fields=["edition", "slug"], name="expo_hall_edition_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("expo:hall", args=[self.edition.slug, self.slug])


class Zone(models.Model):
    """A special zone of an edition (the GI-products zone, the year's theme zone, ...)."""

    class Kind(models.TextChoices):
        GI = "gi", _("Geographical-indication products")
        THEME = "theme", _("Theme of the year")
        OTHER = "other", _("Special zone")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="zones")
    hall = models.ForeignKey(Hall, on_delete=models.SET_NULL, null=True, blank=True, related_name="zones")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["edition", "name", "id"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [models.UniqueConstraint(fields=["edition", "slug"], name="expo_zone_edition_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("expo:zone", args=[self.edition.slug, self.slug])


class Origin(models.TextChoices):
    """Where an exhibitor comes from, as the bulletin counts them."""

    MAINLAND = "mainland", _("Mainland China")
    HK_MACAO_TW = "hk_macao_tw", _("Hong Kong, Macao or Taiwan")
    OVERSEAS = "overseas", _("Overseas")


class Exhibitor(models.Model):
    """An organisation registered in an edition, with its booth (shown in its hall)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="exhibitors")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="expo_exhibits")
    hall = models.ForeignKey(Hall, on_delete=models.SET_NULL, null=True, blank=True, related_name="exhibitors")
    booth = models.CharField(_("booth"), max_length=20, blank=True)
    introduction = models.TextField(_("booth introduction"), blank=True)
    # Kept as registered: the bulletin counts origins as they were at the edition.
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    online = models.BooleanField(_("exhibits online"), default=True)
    on_site = models.BooleanField(_("exhibits on site"), default=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["edition", "booth", "id"]
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        constraints = [
            models.UniqueConstraint(fields=["edition", "organisation"], name="expo_exhibitor_once"),
            models.UniqueConstraint(fields=["edition", "booth"], condition=~models.Q(booth=""),
                                    name="expo_exhibitor_booth_once"),
        ]
        indexes = [models.Index(fields=["edition", "origin"], name="expo_exhibitor_origin")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.booth or '—'}"

    def get_absolute_url(self) -> str:
        return reverse("expo:booth", args=[self.edition.slug, self.pk])


class Exhibit(models.Model):
    """What an exhibitor shows in an edition (in a zone or its booth): a right of one IP type (a
    listing, a GI product), or a product that embodies IP, with the number of patents,
    trademarks and copyrights it involves (the bulletin counts those apart from the rights)."""

    class Kind(models.TextChoices):
        RIGHT = "right", _("An IP right")
        PRODUCT = "product", _("A product embodying IP")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="exhibits")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="exhibits")
    zone = models.ForeignKey(Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="exhibits")
    kind = models.CharField(_("kind of exhibit"), max_length=10, choices=Kind.choices, default=Kind.RIGHT)
    # A right's type; a product has none of its own (its rights are counted below).
    ip_type = models.CharField(_("IP type"), max_length=10, choices=IpType.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    listing = models.ForeignKey(Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    patents = models.PositiveIntegerField(_("patents involved"), default=0)
    trademarks = models.PositiveIntegerField(_("trademarks involved"), default=0)
    copyrights = models.PositiveIntegerField(_("copyrights involved"), default=0)

    class Meta:
        ordering = ["edition", "exhibitor", "id"]
        verbose_name = _("exhibit")
        verbose_name_plural = _("exhibits")
        indexes = [models.Index(fields=["edition", "kind", "ip_type"], name="expo_exhibit_kind_type")]
        constraints = [
            # A right has its type and involves no other rights; a product has no type of its own.
            models.CheckConstraint(
                condition=(models.Q(kind="right") & ~models.Q(ip_type="") & models.Q(patents=0, trademarks=0,
                                                                                   copyrights=0))
                | (models.Q(kind="product") & models.Q(ip_type="")),
                name="expo_exhibit_kind_consistent"),
        ]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        ROADSHOW = "roadshow", _("Roadshow")
        LIVE_STREAM = "live_stream", _("Live stream")
        SIGNING = "signing", _("Signing ceremony")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    hall = models.ForeignKey(Hall, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    stream_url = models.URLField(_("stream link"), blank=True)
    # Entered after a live stream ends; unknown until then.
    viewer_count = models.PositiveIntegerField(_("viewers"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")),
                                   name="expo_event_times_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class Signing(models.Model):
    """An intended agreement signed at a ceremony: its parties and amount. Each is also an
    ``intended`` record (ref ``signing:<id>``) so the bulletin reads one source."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signings")
    parties = models.TextField(_("parties"), help_text=_("One party a line."))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    ip_type = models.CharField(_("IP type"), max_length=10, choices=IpType.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    fx_rate_to_cny = models.DecimalField(_("rate to CNY"), max_digits=18, decimal_places=8, default=1)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("signed agreement")
        verbose_name_plural = _("signed agreements")

    def __str__(self) -> str:
        return f"{self.subject or self.event} · {self.amount} {self.currency}"

    @property
    def party_list(self) -> list[str]:
        return [line.strip() for line in self.parties.splitlines() if line.strip()]


class RecordKind(models.TextChoices):
    TRANSACTION = "transaction", _("Concluded IP transaction")
    INTENDED = "intended", _("Intended agreement")
    GI_SALE = "gi_sale", _("GI product sale")
    AUCTION_LOT = "auction_lot", _("Auction lot")
    PLEDGE = "pledge", _("Pledge financing")


class ExpoRecord(models.Model):
    """What was concluded outside the platform, as an operator recorded it with evidence.

    ``amount`` is in ``currency``; ``amount_cny`` is that amount at ``fx_rate_to_cny`` (the
    rate on ``date``, kept with the record) rounded half-up to the fen, so sums of records
    never move when rates do.
    """

    Kind = RecordKind

    ref = models.CharField(_("reference"), max_length=80, unique=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="records")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=RecordKind.choices)
    ip_type = models.CharField(_("IP type"), max_length=10, choices=IpType.choices, blank=True)
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    fx_rate_to_cny = models.DecimalField(_("rate to CNY"), max_digits=18, decimal_places=8, default=1)
    amount_cny = models.DecimalField(_("amount in CNY"), **AMOUNT_FIELD_OPTIONS)
    items = models.PositiveIntegerField(_("items"), default=1)
    start_price = models.DecimalField(_("starting price"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    sold = models.BooleanField(_("sold"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    signing = models.OneToOneField(Signing, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="record")
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["edition", "date", "ref"]
        verbose_name = _("expo record")
        verbose_name_plural = _("expo records")
        indexes = [
            models.Index(fields=["edition", "kind", "ip_type"], name="expo_record_edition_kind"),
            models.Index(fields=["date", "kind", "ip_type"], name="expo_record_date_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="expo_record_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(fx_rate_to_cny__gt=0), name="expo_record_rate_positive"),
        ]

    def __str__(self) -> str:
        return self.ref
