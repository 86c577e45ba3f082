from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ipx.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from ipx.ledger.append_only import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="ipx.ledger.append_only")
