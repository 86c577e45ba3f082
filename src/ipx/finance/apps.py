from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "ipx.finance"
    label = "finance"
    verbose_name = _("IP finance")

    def ready(self) -> None:
        from ipx.finance import (
            listing_hooks,  # noqa: F401 - registers the pledges' check with listings
            notices,  # noqa: F401 - registers the finance notices' wording
            statement,
        )
        from ipx.finance.insurance import notices as insurance_notices  # noqa: F401 - registers wording
        from ipx.finance.securitisation import notices as securitisation_notices  # noqa: F401 - registers wording
        from ipx.finance.securitisation import statement as securitisation_statement

        statement.register()  # the words of loan payments on statements
        securitisation_statement.register()
