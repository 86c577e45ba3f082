from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ipx.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from django.core import checks

        from ipx.ledger.append_only import register_sqlite_function
        from ipx.ledger.checks import check_money_and_mail_are_real

        checks.register(check_money_and_mail_are_real, checks.Tags.security, deploy=True)

        connection_created.connect(register_sqlite_function, dispatch_uid="ipx.ledger.append_only")
