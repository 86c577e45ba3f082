"""A securitisation's history in the reader's language, from the verb and params each step
stored (nothing translated is stored)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from ipx.core.notices import HistoryEntry
from ipx.core.notices import history as notice_history
from ipx.deals.timeline import amount_text, money_text
from ipx.finance.models import Product, ProductEvent, Receivable


def _status(value: object) -> str:
    try:
        return str(Receivable.Status(str(value)).label)
    except ValueError:
        return str(value)


def _period(params: dict[str, Any]) -> str:
    return str(params.get("period", ""))


def retired_text(params: Mapping[str, Any]) -> str:
    losses = params.get("losses") or {}
    if not losses:
        return _("Retired; %(amount)s left in the reserve paid to the originator.") % {
            "amount": money_text(params, "reserve_released")}
    return _("Retired with losses: %(losses)s.") % {"losses": ", ".join(
        f"{name} {amount_text(amount, params.get('currency', ''))}" for name, amount in losses.items())}


def describe(event: ProductEvent) -> str:
    params = event.params or {}
    words = {
        "create": lambda: _("Securitisation set up in %(currency)s.") % {"currency": params.get("currency", "")},
        "pool": lambda: _("Pool chosen: %(count)s receivables, %(balance)s after the cut-off.") % {
            "count": params.get("receivables", ""), "balance": money_text(params, "balance")},
        "structure": lambda: _("Structured in %(count)s tranches over %(balance)s.") % {
            "count": params.get("tranches", ""), "balance": money_text(params, "balance")},
        "subscribe": lambda: _("Subscription of %(amount)s to tranche %(tranche)s.") % {
            "amount": money_text(params), "tranche": params.get("tranche", "")},
        "unsubscribe": lambda: _("Subscription of %(amount)s to tranche %(tranche)s withdrawn.") % {
            "amount": money_text(params), "tranche": params.get("tranche", "")},
        "issue": lambda: _("Issued; proceeds of %(amount)s paid to the originator.") % {
            "amount": money_text(params, "proceeds")},
        "cancel": lambda: _("Cancelled; its receivables are free for another pool."),
        "receivable_marked": lambda: _("Receivable #%(receivable)s marked %(status)s.") % {
            "receivable": params.get("receivable", ""), "status": _status(params.get("to")).lower()},
        "collections_recorded": lambda: _("Period %(period)s: collections of %(amount)s recorded.") % {
            "period": _period(params), "amount": money_text(params)},
        "run_period": lambda: (_("Period %(period)s run on collections of %(amount)s.") % {
            "period": _period(params), "amount": money_text(params, "collections")}) + (
            " " + _("Triggers breached: %(names)s.") % {"names": ", ".join(map(str, params["breached"]))}
            if params.get("breached") else ""),
        "retire": lambda: retired_text(params),
    }
    word = words.get(event.verb)
    return word() if word is not None else event.note


def product_history(product: Product) -> list[HistoryEntry]:
    events: Iterable[ProductEvent] = product.events.select_related("actor").order_by("pk")
    return notice_history(events, statuses=Product.Status, describe=describe)
