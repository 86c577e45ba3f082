from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "ipx.listings"
    label = "listings"
    verbose_name = _("Listings")

    def ready(self) -> None:
        from ipx.listings import notices  # noqa: F401 - registers the wording of the notices listings send
