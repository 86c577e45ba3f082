from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuctionsConfig(AppConfig):
    name = "ipx.auctions"
    label = "auctions"
    verbose_name = _("Auctions")

    def ready(self) -> None:
        from ipx.auctions import (
            listing_hooks,  # noqa: F401 - a lot not yet ended holds its listing
            live,
            notices,  # noqa: F401 - registers the auctions' wording
            statement,
        )
        from ipx.auctions.settlement.services import on_deal_cancelled
        from ipx.events import subscribe

        subscribe("deal.cancelled", on_deal_cancelled)  # a sale awaiting payment ends with its deal
        live.register()  # a lot's hall as a live stream, lot-<id>
        statement.register()  # the words of deposits and premiums on statements
