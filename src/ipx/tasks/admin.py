from django.contrib import admin

from ipx.tasks.models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "status", "attempts", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("name",)
    readonly_fields = ("name", "kwargs", "status", "attempts", "last_error", "created_at",
                       "started_at", "finished_at")
