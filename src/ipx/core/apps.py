from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ipx.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.urls import register_converter

        from ipx.core.identity import ensure_identity
        from ipx.core.ids import IdConverter

        # Before any URL configuration is read: every app's addresses name ids as ``<id:...>``.
        register_converter(IdConverter, "id")
        post_migrate.connect(ensure_identity, sender=self, dispatch_uid="ipx.core.identity")
