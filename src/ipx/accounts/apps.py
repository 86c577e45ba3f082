from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ipx.accounts"
    label = "accounts"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Registers the wording of the verification and invitation mails.
        from ipx.accounts import notices  # noqa: F401

        # The mails of passwords and e-mail confirmation; the security log's signal receivers.
        from ipx.accounts.passwords import notices as password_notices  # noqa: F401
        from ipx.accounts.security import log  # noqa: F401

        # Every login starts a row of signed-in sessions and every logout ends it.
        from ipx.accounts.sessions import signals  # noqa: F401
