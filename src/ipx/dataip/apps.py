from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataIpConfig(AppConfig):
    name = "ipx.dataip"
    label = "dataip"
    verbose_name = _("Data IP registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ipx.dataip import market, notices  # noqa: F401 - notices registers its wording
        from ipx.deals.negotiation.taking import register_taking_guard
        from ipx.events import subscribe
        from ipx.listings.guards import register_offer_guard

        # The registry records the change a completed deal brings (transfer or licence).
        subscribe("deal.completed", market.on_deal_completed)
        # A registration that no longer stands is not offered, nor taken by an offer.
        register_offer_guard(market.listing_registrations_stand)
        register_taking_guard(market.registrations_not_standing)
