from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ipx.live.models import LiveEvent


@admin.register(LiveEvent)
class LiveEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "stream", "seq", "kind")
    list_filter = ("kind",)
    search_fields = ("stream",)
    readonly_fields = ("stream", "seq", "kind", "payload", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LiveEvent | None = None) -> bool:
        return False
