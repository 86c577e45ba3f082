"""The operator's listing-review queue in the back-office, and the NDA acceptances kept as
evidence."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ipx.core.admin_actions import action_with_reason, run_for_each
from ipx.listings import services
from ipx.listings.models import Listing, ListingAsset, ListingEvent, NdaAcceptance
from ipx.listings.notices import describe


class ListingAssetInline(ReadOnlyInline):
    model = ListingAsset
    fields = readonly_fields = ("asset", "position")


class ListingEventInline(ReadOnlyInline):
    model = ListingEvent
    fields = readonly_fields = ("created_at", "verb", "from_status", "to_status", "actor", "what_happened")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ListingEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=gettext_lazy("note"))
    def what_happened(self, obj: ListingEvent) -> str:
        return describe(obj)


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "organisation", "status", "price_type", "currency", "submitted_at",
                    "published_at")
    list_filter = ("status", "price_type", "currency")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "created_by")
    # Status changes go through the review actions, which write event rows.
    readonly_fields = ("status", "submitted_at", "published_at", "review_note", "created_by")
    inlines = [ListingAssetInline, ListingEventInline]
    actions = ["approve", "send_back", "withdraw"]

    @admin.action(description=gettext_lazy("Approve and publish"))
    def approve(self, request: AuthenticatedRequest, queryset: QuerySet[Listing]) -> None:
        run_for_each(self, request, queryset,
                     lambda obj: services.listing_approve(listing_id=obj.pk, operator=request.user),
                     lambda n: ngettext("%(n)d listing published.", "%(n)d listings published.", n) % {"n": n})

    @admin.action(description=gettext_lazy("Send back to the seller…"))
    def send_back(self, request: AuthenticatedRequest, queryset: QuerySet[Listing]) -> TemplateResponse | None:
        return action_with_reason(
            self, request, queryset, title=_("Send listings back to the seller"),
            service=lambda obj, reason: services.listing_reject(listing_id=obj.pk, operator=request.user,
                                                                reason=reason),
            done_message=lambda n: ngettext("%(n)d listing sent back.", "%(n)d listings sent back.", n) % {"n": n},
        )

    @admin.action(description=gettext_lazy("Withdraw from the market…"))
    def withdraw(self, request: AuthenticatedRequest, queryset: QuerySet[Listing]) -> TemplateResponse | None:
        return action_with_reason(
            self, request, queryset, title=_("Withdraw listings"),
            service=lambda obj, reason: services.listing_withdraw(listing_id=obj.pk, actor=request.user,
                                                                  reason=reason),
            done_message=lambda n: ngettext("%(n)d listing withdrawn.", "%(n)d listings withdrawn.", n) % {"n": n},
        )


@admin.register(NdaAcceptance)
class NdaAcceptanceAdmin(ReadOnlyAdmin):
    """Acceptances are evidence: shown, never added, changed or removed here."""

    list_display = ("id", "listing", "organisation", "user", "ip_address", "accepted_at")
    search_fields = ("listing__title", "organisation__name", "user__email")
    list_select_related = ("listing", "organisation", "user")
    readonly_fields = ("listing", "organisation", "user", "nda_text", "ip_address", "accepted_at")
