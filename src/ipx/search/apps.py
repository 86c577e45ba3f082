from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "ipx.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from ipx.events import subscribe
        from ipx.search import handlers

        # Inline after commit: one document is cheap, and the index then never lags a page.
        subscribe("listing.changed", handlers.on_listing_changed)
        subscribe("asset.changed", handlers.on_asset_changed)
        # A listing's document holds its seller's name and region.
        subscribe("organisation.changed", handlers.on_organisation_changed)
