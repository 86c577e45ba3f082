"""Readable labels for facet values, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.accounts.regions import region_code_label
from ipx.catalog.models import Asset, IpcCode, NiceClass
from ipx.catalog.reference import ipc_title, nice_heading
from ipx.core.money import Currency
from ipx.listings.models import OfferKind


def facet_titles() -> dict[str, str]:
    return {
        "ip_type": _("IP type"),
        "offer_kind": _("Offered as"),
        "ipc_section": _("IPC section"),
        "ipc_class": _("IPC class"),
        "nice_class": _("Nice class"),
        "region": _("Region"),
        "price": _("Price (CNY, indicative)"),
        "currency": _("Currency"),
    }


def price_labels() -> dict[str, str]:
    return {
        "lt100k": _("under ¥100,000"),
        "100k-500k": _("¥100,000 – 500,000"),
        "500k-1m": _("¥500,000 – 1 million"),
        "1m-5m": _("¥1 – 5 million"),
        "gte5m": _("¥5 million and above"),
        "negotiable": _("negotiable"),
    }


def facet_labels(facet: str, values: list[str]) -> dict[str, str]:
    """Labels for many values of one facet at once (one query for IPC or Nice)."""
    if facet == "ip_type":
        return {v: str(Asset.Type(v).label) for v in values if v in Asset.Type.values}
    if facet == "offer_kind":
        return {v: str(OfferKind(v).label) for v in values if v in OfferKind.values}
    if facet in ("ipc_section", "ipc_class"):
        entries = IpcCode.objects.filter(code__in=values)
        return {entry.code: f"{entry.code} {ipc_title(entry)[:40]}" for entry in entries}
    if facet == "nice_class":
        numbers = [int(v) for v in values if v.isdigit()]
        classes = NiceClass.objects.filter(number__in=numbers)
        return {str(c.number): _("Class %(n)d") % {"n": c.number} + f" — {nice_heading(c)[:30]}" for c in classes}
    if facet == "region":
        return {v: region_code_label(v) for v in values}
    if facet == "currency":
        return {v: str(Currency(v).label) for v in values if v in Currency.values}
    if facet == "price":
        labels = price_labels()
        return {v: labels.get(v, v) for v in values}
    return {}
