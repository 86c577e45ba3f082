from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "ipx.catalog"
    label = "catalog"
    verbose_name = _("IP catalog")

    def ready(self) -> None:
        from ipx.catalog.reference_tables import fill_if_empty

        post_migrate.connect(fill_if_empty, sender=self, dispatch_uid="ipx.catalog.reference_tables")
