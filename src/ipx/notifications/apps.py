from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ipx.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from ipx.core.notices import NOTICE_REQUESTED
        from ipx.events import subscribe
        from ipx.notifications import live, services

        live.register()  # the unread badge's live stream, user-<id>
        # Apps below this one (the catalog's imports) ask for their notices through an event.
        subscribe(NOTICE_REQUESTED, services.on_notice_requested)
