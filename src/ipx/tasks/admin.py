from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ipx.tasks.models import Task
from ipx.tasks.runner import rerun


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "status", "attempts", "run_after", "worker", "created_at", "finished_at")
    list_filter = ("status", "name")
    search_fields = ("name", "key", "last_error")
    readonly_fields = ("name", "kwargs", "key", "status", "run_after", "attempts", "last_error", "worker",
                       "heartbeat_at", "pushed_at", "created_at", "started_at", "finished_at")
    actions = ("run_again",)

    @admin.action(description=_("Run again (failed tasks)"))
    def run_again(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        count = rerun(queryset.filter(status=Task.Status.FAILED).values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(request, ngettext("%(count)d task queued again.", "%(count)d tasks queued again.",
                                            count) % {"count": count}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)d task was not failed and was left as it is.",
                "%(count)d tasks were not failed and were left as they are.", skipped) % {"count": skipped},
                messages.WARNING)
