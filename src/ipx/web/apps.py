from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ipx.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        from ipx.events import subscribe
        from ipx.web.public_cache import raise_content_version

        for event in ("listing.changed", "asset.changed", "organisation.changed", "expo.edition.changed"):
            subscribe(event, raise_content_version)
