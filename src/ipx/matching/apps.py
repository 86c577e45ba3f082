from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "ipx.matching"
    label = "matching"
    verbose_name = _("Technology demands and matching")

    def ready(self) -> None:
        from ipx.events import subscribe
        from ipx.matching.saved_searches import handlers

        # In the background: every saved search with alerts is checked against the listing.
        subscribe("listing.published", handlers.on_listing_published, background=True)
