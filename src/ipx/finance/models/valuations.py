"""Valuations of IP rights: asked of an appraiser by a requester, worked out by the income,
cost and market approaches (every input kept beside its result) and signed off with a
concluding value or range and the appraiser's reasoning."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency
from ipx.core.workflow import StatusEvent


class Valuation(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_PROGRESS = "in_progress", _("Being valued")
        SIGNED_OFF = "signed_off", _("Signed off")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    requester = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="valuations_requested",
                                  verbose_name=_("requested by"))
    appraiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="valuations_made",
                                  verbose_name=_("appraiser"))
    assets: models.ManyToManyField[Asset, ValuationAsset] = models.ManyToManyField(
        Asset, through="ValuationAsset", related_name="valuations")
    purpose = models.CharField(_("purpose"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    valuation_date = models.DateField(_("valuation date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    # Each approach's inputs as given and its result, kept as recorded (``ipx.finance.valuation``).
    income_inputs = models.JSONField(default=dict, blank=True)
    income_value = models.DecimalField(_("income approach"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    cost_inputs = models.JSONField(default=dict, blank=True)
    cost_value = models.DecimalField(_("cost approach"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    market_inputs = models.JSONField(default=dict, blank=True)
    market_value = models.DecimalField(_("market approach"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    concluded_value = models.DecimalField(_("value"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    concluded_low = models.DecimalField(_("lowest value"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    concluded_high = models.DecimalField(_("highest value"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    reasoning = models.TextField(_("the appraiser's reasoning"), blank=True)
    signed_off_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose}"


class ValuationAsset(models.Model):
    valuation = models.ForeignKey(Valuation, on_delete=models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="valuation_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["valuation", "asset"], name="valuation_asset_unique")]

    def __str__(self) -> str:
        return f"{self.valuation_id} ∋ {self.asset_id}"


class ValuationEvent(StatusEvent):
    valuation = models.ForeignKey(Valuation, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass
