"""The operator's demand moderation in the back-office, and saved searches (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ipx.accounts.api_auth import api_user
from ipx.core.admin import ReadOnlyInline
from ipx.core.admin_actions import action_with_reason, run_for_each
from ipx.matching.demands import services
from ipx.matching.models import Demand, DemandEvent, SavedSearch, SavedSearchAlert
from ipx.matching.notices import describe


class DemandEventInline(ReadOnlyInline):
    model = DemandEvent
    fields = readonly_fields = ("verb", "from_status", "to_status", "actor", "what", "created_at")

    @admin.display(description=gettext_lazy("note"))
    def what(self, event: DemandEvent) -> str:
        return describe(event)


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "organisation", "status", "visibility", "language", "deadline", "submitted_at",
                    "published_at")
    list_filter = ("status", "visibility", "language", "region_kind", "budget_currency")
    search_fields = ("title", "description", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "created_by")
    # The operator reviews what the poster wrote; changes go through the services, which
    # check the input and write event rows.
    readonly_fields = (
        "organisation", "title", "description", "language", "ipc_codes", "budget_min_amount", "budget_max_amount",
        "budget_currency", "region_kind", "province", "country", "deadline", "visibility", "status",
        "review_note", "close_note", "solved", "submitted_at", "published_at", "closed_at", "created_by",
    )
    inlines = [DemandEventInline]
    actions = ["approve", "send_back"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # demands are posted by members, from their organisation

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the history stays; posters close demands instead

    @admin.action(description=gettext_lazy("Approve and publish"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Demand]) -> None:
        operator = api_user(request)
        run_for_each(self, request, queryset,
                     lambda obj: services.demand_approve(demand_id=obj.pk, operator=operator),
                     lambda n: ngettext("%(n)d demand published.", "%(n)d demands published.", n) % {"n": n})

    @admin.action(description=gettext_lazy("Send back to the poster…"))
    def send_back(self, request: HttpRequest, queryset: QuerySet[Demand]) -> TemplateResponse | None:
        operator = api_user(request)
        return action_with_reason(
            self, request, queryset, title=_("Send demands back to the poster"),
            service=lambda obj, reason: services.demand_reject(demand_id=obj.pk, operator=operator, reason=reason),
            done_message=lambda n: ngettext("%(n)d demand sent back.", "%(n)d demands sent back.", n) % {"n": n},
        )


class SavedSearchAlertInline(ReadOnlyInline):
    model = SavedSearchAlert
    fields = readonly_fields = ("listing", "created_at")


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "user", "alerts", "created_at")
    list_filter = ("alerts",)
    search_fields = ("name", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "query_string", "alerts", "created_at")
    inlines = [SavedSearchAlertInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
