"""The back-office for negotiation (threads, messages, offers, NDA acceptances) and deals.

Rows are read-only here: every change goes through a service, which checks the rules and
writes the event rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from ipx.core.admin_actions import run_for_each
from ipx.deals.models import Attachment, Message, NdaAcceptance, Offer, OfferEvent, OfferMilestone, Thread, ThreadAgent
from ipx.deals.negotiation import services as negotiation


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- Negotiation ----------------------------------------------------------------------------

class ThreadAgentInline(ReadOnlyInline):
    model = ThreadAgent
    fields = ("organisation", "side", "added_by", "added_at")
    readonly_fields = fields


class OfferInline(ReadOnlyInline):
    model = Offer
    fields = ("id", "from_organisation", "to_organisation", "status", "kind", "price_amount", "currency",
              "expires_at", "created_at")
    readonly_fields = fields
    show_change_link = True


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("author", "organisation", "body", "created_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ("id", "subject", "buyer", "seller", "status", "last_activity_at")
    list_filter = ("status",)
    search_fields = ("subject", "buyer__name", "seller__name", "listing__title")
    list_select_related = ("buyer", "seller")
    readonly_fields = ("listing", "buyer", "seller", "subject", "status", "created_by", "created_at",
                       "last_activity_at")
    inlines = [ThreadAgentInline, OfferInline, MessageInline]
    actions = ["close"]

    @admin.action(description=gettext_lazy("Close the negotiation"))
    def close(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        run_for_each(self, request, queryset,
                     lambda obj: negotiation.thread_close(thread_id=obj.pk, actor=request.user),  # type: ignore[arg-type]
                     lambda n: ngettext("%(n)d negotiation closed.", "%(n)d negotiations closed.", n) % {"n": n})


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "sha256")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "thread", "author", "organisation", "created_at")
    search_fields = ("body", "thread__subject", "author__email")
    list_select_related = ("thread", "author", "organisation")
    readonly_fields = ("thread", "author", "organisation", "body", "created_at")
    inlines = [AttachmentInline]


class OfferMilestoneInline(ReadOnlyInline):
    model = OfferMilestone
    fields = ("position", "title", "amount", "condition")
    readonly_fields = fields


class OfferEventInline(ReadOnlyInline):
    model = OfferEvent
    fields = ("from_status", "to_status", "actor", "note", "created_at")
    readonly_fields = fields


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("id", "thread", "from_organisation", "to_organisation", "status", "kind", "price_amount",
                    "currency", "expires_at")
    list_filter = ("status", "kind", "commitment", "payment_structure", "currency")
    search_fields = ("thread__subject", "from_organisation__name", "to_organisation__name")
    list_select_related = ("thread", "from_organisation", "to_organisation")
    readonly_fields = ("thread", "from_organisation", "to_organisation", "counter_to", "status", "kind", "commitment",
                       "price_amount", "currency", "payment_structure", "royalty_percent", "licence_exclusivity",
                       "licence_territory", "licence_field", "licence_term_months", "trial_months", "notes",
                       "expires_at", "created_by", "created_at")
    inlines = [OfferMilestoneInline, OfferEventInline]
    actions = ["expire_due"]

    @admin.action(description=gettext_lazy("Mark offers past their time as expired"))
    def expire_due(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        count = negotiation.offers_expire_due()
        self.message_user(request, ngettext("%(n)d offer expired.", "%(n)d offers expired.", count) % {"n": count})


@admin.register(NdaAcceptance)
class NdaAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("id", "listing", "organisation", "user", "ip_address", "accepted_at")
    search_fields = ("listing__title", "organisation__name", "user__email")
    list_select_related = ("listing", "organisation", "user")
    readonly_fields = ("listing", "organisation", "user", "nda_text", "ip_address", "accepted_at")


# --- Deals ----------------------------------------------------------------------------------
