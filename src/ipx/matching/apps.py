from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "ipx.matching"
    label = "matching"
    verbose_name = _("Technology demands and matching")

    def ready(self) -> None:
        from django.core import checks

        from ipx.catalog.importing import follow_ups
        from ipx.events import subscribe
        from ipx.matching import notices  # noqa: F401  (registers the wording of the app's notices)
        from ipx.matching.matches import handlers as match_handlers
        from ipx.matching.matches import preparation
        from ipx.matching.retrieval.checks import check_embedding_model
        from ipx.matching.saved_searches import handlers

        # A missing or broken embedding model stops every command that runs the checks
        # (migrate, runserver, worker); `ipx serve` checks it before starting gunicorn.
        checks.register(check_embedding_model, "matching")
        # In the background: every saved search with alerts is checked against the listing.
        subscribe("listing.published", handlers.on_listing_published, background=True)
        # Matches follow every change of what they are made of, in the background (each
        # embeds the changed text, then ranks again). Asset and organisation changes concern
        # matching only when listings on offer are affected: an inline check queues the work.
        subscribe("demand.changed", match_handlers.on_demand_changed, background=True)
        subscribe("listing.changed", match_handlers.on_listing_changed, background=True)
        subscribe("asset.changed", match_handlers.on_asset_changed)
        subscribe("organisation.changed", match_handlers.on_organisation_changed)
        # An import's page says how far the listings offering its patents are prepared.
        follow_ups.register(preparation.import_preparation)
