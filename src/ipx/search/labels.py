"""Readable labels for facet values, in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipx.accounts.regions import region_code_label
from ipx.catalog.models import Asset
from ipx.catalog.reference import ipc_top_titles, nice_headings
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
    """Labels for many values of one facet at once (reference titles come from a cache)."""
    if facet == "ip_type":
        return {v: str(Asset.Type(v).label) for v in values if v in Asset.Type.values}
    if facet == "offer_kind":
        return {v: str(OfferKind(v).label) for v in values if v in OfferKind.values}
    language = get_language() or "en"
    if facet in ("ipc_section", "ipc_class"):
        titles = ipc_top_titles(language)
        return {code: f"{code} {titles[code][:40]}" for code in values if code in titles}
    if facet == "nice_class":
        headings = nice_headings(language)
        return {v: _("Class %(n)d") % {"n": int(v)} + f" — {headings[int(v)][:30]}"
                for v in values if v.isdigit() and int(v) in headings}
    if facet == "region":
        return {v: region_code_label(v) for v in values}
    if facet == "currency":
        return {v: str(Currency(v).label) for v in values if v in Currency.values}
    if facet == "price":
        labels = price_labels()
        return {v: labels.get(v, v) for v in values}
    return {}
