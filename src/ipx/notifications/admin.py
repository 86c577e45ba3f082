from django.contrib import admin
from django.http import HttpRequest

from ipx.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "verb", "title", "read_at")
    list_filter = ("verb",)
    search_fields = ("user__email", "stored_title")
    readonly_fields = ("user", "organisation", "verb", "title", "body", "url", "read_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
