from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "ipx.deals"
    label = "deals"
    verbose_name = _("Negotiation and deals")

    def ready(self) -> None:
        from ipx.deals.contracts import escrow
        from ipx.ledger import descriptions

        # Statements describe escrow transactions of deals in the reader's language.
        descriptions.register("deal:", escrow.describe)
