from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "ipx.deals"
    label = "deals"
    verbose_name = _("Negotiation and deals")

    def ready(self) -> None:
        from ipx.deals.contracts import escrow, live
        from ipx.deals.contracts import notices as contract_notices  # noqa: F401 - registers the deals' wording
        from ipx.deals.negotiation import listing_hooks  # noqa: F401 - open offers hold a listing's assets
        from ipx.deals.negotiation import notices as negotiation_notices  # noqa: F401 - and negotiation's
        from ipx.ledger import descriptions

        # Statements describe escrow transactions of deals in the reader's language.
        descriptions.register("deal:", escrow.describe)
        live.register()  # a deal's timeline as a live stream, deal-<id>
