"""The ledger in the back-office: to look at, never to edit.

Money moves only through the services (which balance every transaction); the database
refuses changes to postings and transactions anyway, so the admin offers none.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ipx.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ipx.core.money import AmountSum
from ipx.ledger.descriptions import describe
from ipx.ledger.models import IdempotencyRecord, LedgerAccount, LedgerTransaction, Payout, Posting


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = ("account", "amount", "currency")
    readonly_fields = fields


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "currency", "organisation", "reference", "balance", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("key", "reference", "organisation__name")
    list_select_related = ("organisation",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerAccount]:
        accounts: QuerySet[LedgerAccount] = super().get_queryset(request)
        return accounts.annotate(balance_total=AmountSum("postings__amount"))

    @admin.display(description=_("balance"), ordering="balance_total")
    def balance(self, obj: LedgerAccount) -> Decimal:
        return (getattr(obj, "balance_total", None) or Decimal(0)).quantize(Decimal("0.01"))


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "reference", "provider_reference", "description", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("reference", "provider_reference", "memo")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    inlines = [PostingInline]

    @admin.display(description=_("memo"))
    def description(self, obj: LedgerTransaction) -> str:
        return describe(obj.kind, obj.reference, obj.memo)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "organisation", "amount", "currency", "bank_account", "provider_reference", "requested_by",
                    "created_at")
    list_filter = ("currency",)
    search_fields = ("organisation__name", "provider_reference", "bank_account")
    list_select_related = ("organisation", "requested_by")


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("user", "key", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("user__email", "key")
    list_select_related = ("user",)
