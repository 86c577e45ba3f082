from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ipx.accounts"
    label = "accounts"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Registers the wording of the verification and invitation mails.
        from ipx.accounts import notices  # noqa: F401
