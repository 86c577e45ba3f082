"""The back-office for negotiation (threads, messages, offers) and deals.

Rows are read-only here: every change goes through a service, which checks the rules and
writes the event rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from ipx.accounts.api_auth import api_user
from ipx.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ipx.core.admin_actions import action_with_reason, run_for_each
from ipx.deals.contracts import services as contracts
from ipx.deals.models import (
    Attachment,
    Deal,
    DealAsset,
    DealEvent,
    DealMilestone,
    DealSignature,
    Dispute,
    Message,
    Offer,
    OfferEvent,
    OfferMilestone,
    Thread,
    ThreadAgent,
)
from ipx.deals.negotiation.offers import offers_expire_due
from ipx.deals.negotiation.threads import thread_close
from ipx.deals.timeline import deal_event_text, offer_event_text

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
                     lambda obj: thread_close(thread_id=obj.pk, actor=api_user(request)),
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
    fields = ("from_status", "to_status", "actor", "description", "note", "created_at")
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("history entry", "description"))
    def description(self, obj: OfferEvent) -> str:
        return offer_event_text(obj)


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
        count = offers_expire_due()
        self.message_user(request, ngettext("%(n)d offer expired.", "%(n)d offers expired.", count) % {"n": count})


# --- Deals ----------------------------------------------------------------------------------
# Deal rows change only through ipx.deals.contracts.services (locked transitions, event rows,
# ledger postings); the back-office shows them and runs the operator's recordal check.

class DealAssetInline(ReadOnlyInline):
    model = DealAsset
    fields = ("asset",)
    readonly_fields = fields


class DealMilestoneInline(ReadOnlyInline):
    model = DealMilestone
    fields = ("position", "title", "amount", "condition", "status", "released_amount", "refunded_amount")
    readonly_fields = fields


class DealSignatureInline(ReadOnlyInline):
    model = DealSignature
    fields = ("organisation", "user", "signed_at", "ip_address", "user_agent", "contract_sha256")
    readonly_fields = fields


class DisputeInline(ReadOnlyInline):
    model = Dispute
    fields = ("status", "requested_for", "requested_by", "requested_at", "reason", "decided_by", "decided_at",
              "decision_note")
    readonly_fields = fields


class DealEventInline(ReadOnlyInline):
    model = DealEvent
    fields = ("created_at", "verb", "from_status", "to_status", "actor", "description", "note")
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("history entry", "description"))
    def description(self, obj: DealEvent) -> str:
        return deal_event_text(obj)


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ("id", "listing", "seller", "buyer", "kind", "commitment", "price_amount", "currency", "status",
                    "recordal_number", "created_at")
    list_filter = ("status", "commitment", "kind", "currency", "disputes__status")
    search_fields = ("listing__title", "buyer__name", "seller__name", "recordal_number")
    list_select_related = ("listing", "buyer", "seller")
    readonly_fields = ("offer", "thread", "listing", "buyer", "seller", "status", "kind", "commitment", "price_amount",
                       "currency", "payment_structure", "royalty_percent", "licence_exclusivity",
                       "licence_territory", "licence_field", "licence_term_months", "trial_months", "notes",
                       "fee_percent", "contract_language", "contract_sha256", "recordal_number",
                       "recordal_submitted_at", "recordal_checked_by", "recordal_checked_at", "cancel_reason",
                       "created_at", "completed_at")
    exclude = ("contract_pdf",)  # downloaded from the deal page, which checks access
    inlines = [DealAssetInline, DealMilestoneInline, DealSignatureInline, DisputeInline, DealEventInline]
    actions = ["approve_recordal", "return_recordal"]

    @admin.action(description=gettext_lazy("Approve recordal"))
    def approve_recordal(self, request: HttpRequest, queryset: QuerySet[Deal]) -> None:
        run_for_each(self, request, queryset,
                     lambda obj: contracts.deal_check_recordal(deal_id=obj.pk, operator=api_user(request),
                                                               approve=True),
                     lambda n: ngettext("%(n)d recordal approved; deal completed.",
                                        "%(n)d recordals approved; deals completed.", n) % {"n": n})

    @admin.action(description=gettext_lazy("Return recordal to the seller…"))
    def return_recordal(self, request: HttpRequest, queryset: QuerySet[Deal]) -> TemplateResponse | None:
        return action_with_reason(
            self, request, queryset, title=_("Return recordals to the seller"),
            service=lambda obj, reason: contracts.deal_check_recordal(deal_id=obj.pk, operator=api_user(request),
                                                                      approve=False, note=reason),
            done_message=lambda n: ngettext("%(n)d recordal returned.", "%(n)d recordals returned.", n) % {"n": n},
        )
