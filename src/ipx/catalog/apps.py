from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "ipx.catalog"
    label = "catalog"
    verbose_name = _("IP catalog")

    def ready(self) -> None:
        from ipx.catalog.importing import notices  # noqa: F401 - registers the import notices' wording
        from ipx.catalog.reference_tables import fill_if_empty

        post_migrate.connect(fill_if_empty, sender=self, dispatch_uid="ipx.catalog.reference_tables")

    def reference_tables(self) -> list[str]:
        """The published classifications (IPC, Nice) that migrations load and the exchange only
        reads: ``flush`` keeps them rather than empty 77,000 rows for ``post_migrate`` to write
        back the same."""
        return [self.get_model(name)._meta.db_table for name in ("IpcCode", "NiceClass")]
