from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.files import StoredFile, stored_file_path
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency, Money
from ipx.core.workflow import StatusEvent


class OfferKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer (assignment)")
    LICENCE = "licence", _("Licence")
    USE_FIRST = "use_first", _("Use first, pay later")
    PLEDGE = "pledge", _("Pledge (collateral)")
    AUCTION = "auction", _("Auction")


class Exclusivity(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive")
    SOLE = "sole", _("Sole")
    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")


class PriceType(models.TextChoices):
    FIXED = "fixed", _("Fixed price")
    RANGE = "range", _("Price range")
    NEGOTIABLE = "negotiable", _("Negotiable")


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        RESERVED = "reserved", _("Reserved")
        SOLD = "sold", _("Sold")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="listings",
                                     verbose_name=_("seller"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    offer_kinds = models.JSONField(_("offered as"), default=list)

    licence_exclusivity = models.CharField(_("licence exclusivity"), max_length=14,
                                           choices=Exclusivity.choices, blank=True)
    licence_territory = models.CharField(_("licence territory"), max_length=200, blank=True)
    licence_field = models.CharField(_("field of use"), max_length=200, blank=True)
    licence_term_months = models.PositiveSmallIntegerField(_("licence term (months)"), null=True, blank=True)

    trial_months = models.PositiveSmallIntegerField(_("free trial (months)"), null=True, blank=True)
    after_trial_fee_amount = models.DecimalField(_("fee after the trial"), null=True, blank=True,
                                                 **AMOUNT_FIELD_OPTIONS)
    after_trial_royalty_percent = models.DecimalField(_("royalty after the trial (%)"), max_digits=5,
                                                      decimal_places=2, null=True, blank=True)

    price_type = models.CharField(_("price"), max_length=10, choices=PriceType.choices,
                                  default=PriceType.NEGOTIABLE)
    price_amount = models.DecimalField(_("price (or lowest)"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    price_max_amount = models.DecimalField(_("highest price"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("operator's note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_on = models.DateField(_("offer ends"), null=True, blank=True)
    # Detailed documents are shown only to members who accepted these terms.
    requires_nda = models.BooleanField(_("documents need an NDA"), default=False)
    nda_text = models.TextField(_("non-disclosure terms"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    assets: models.ManyToManyField[Asset, ListingAsset] = models.ManyToManyField(
        Asset, through="ListingAsset", related_name="listings"
    )

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [
            models.Index(fields=["status", "published_at"], name="listing_status_published"),
            models.Index(fields=["organisation", "status"], name="listing_org_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def price(self) -> Money | None:
        if self.price_type == PriceType.NEGOTIABLE or self.price_amount is None:
            return None
        return Money(self.price_amount, self.currency)

    @property
    def price_max(self) -> Money | None:
        if self.price_type != PriceType.RANGE or self.price_max_amount is None:
            return None
        return Money(self.price_max_amount, self.currency)

    @property
    def price_in_cny(self) -> Decimal | None:
        price = self.price
        return price.in_cny() if price else None

    def offer_kind_labels(self) -> list[str]:
        return [str(OfferKind(kind).label) for kind in self.offer_kinds if kind in OfferKind.values]


PUBLIC_STATUSES = (Listing.Status.PUBLISHED, Listing.Status.RESERVED, Listing.Status.SOLD)


class ListingAsset(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="asset_links")
    # PROTECT: an asset on offer cannot disappear from under its listing.
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="listing_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["listing", "asset"], name="listing_asset_unique")]

    def __str__(self) -> str:
        return f"{self.listing_id} ∋ {self.asset_id}"


class ListingEvent(StatusEvent):
    """Every status change (and edit of a published listing), who made it and why."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        ordering = ["id"]
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.from_status or '—'} → {self.to_status}"


# The name migration 0003 gives the function that places these files.
listing_document_path = stored_file_path


class ListingDocument(StoredFile):
    """A detailed document (claims, test reports, drawings); behind the NDA when the listing has one."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("listing document")
        verbose_name_plural = _("listing documents")

    def __str__(self) -> str:
        return self.title

    storage_kind = "listing-documents"


class NdaAcceptance(models.Model):
    """A member organisation accepted a listing's non-disclosure terms (who, when, from where)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="nda_acceptances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    nda_text = models.TextField(_("terms accepted"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)

    class Meta:
        # The table kept its name when the model moved here from deals: the acceptances are
        # evidence, and a move of code is no reason to touch the rows that prove them.
        db_table = "deals_ndaacceptance"
        verbose_name = _("NDA acceptance")
        verbose_name_plural = _("NDA acceptances")
        constraints = [models.UniqueConstraint(fields=["listing", "organisation"], name="nda_listing_org")]

    def __str__(self) -> str:
        return f"{self.listing_id}/{self.organisation_id}"
