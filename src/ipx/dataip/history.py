"""A data product's history in the reader's language, from the verb and params each step
stored (nothing translated is stored)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ipx.core.notices import HistoryEntry
from ipx.core.notices import history as notice_history
from ipx.dataip.models import DataProduct, DataProductEvent


def field_label(name: str) -> str:
    """A product field's name in the reader's language."""
    field = DataProduct._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _fixed() -> dict[str, str]:
    return {
        "create": _("Application drafted."),
        "edit": _("Application changed."),
        "withdraw": _("Application withdrawn."),
        "pass_formal": _("Formal check passed."),
        "return": _("Returned for changes."),
        "reject": _("Application rejected."),
        "grant": _("Registration granted."),
        "refuse": _("Registration refused."),
        "refuse_change": _("Change refused."),
        "cancel": _("Registration cancelled by the registrant."),
        "revoke": _("Registration revoked."),
        "uphold_objection": _("Objection upheld."),
        "dismiss_objection": _("Objection dismissed."),
        "object": _("Objection made."),
    }


def describe(event: DataProductEvent) -> str:
    params = event.params or {}
    if event.verb == "submit":
        text = _("Applied; registration number %(number)s, formal check due by %(due)s.") % {
            "number": params.get("number", ""), "due": params.get("due", "")}
    elif event.verb == "publish":
        text = _("Published for objections until %(due)s.") % {"due": params.get("due", "")}
    elif event.verb == "pass_formal":
        text = _("Formal check passed; substantive check due by %(due)s.") % {"due": params.get("due", "")}
    elif event.verb in ("grant", "approve_change", "renew"):
        text = {"grant": _("Registration granted; certificate %(number)s issued."),
                "approve_change": _("Change approved; certificate %(number)s issued in place of the last."),
                "renew": _("Renewed; certificate %(number)s issued.")}[event.verb] % {
            "number": params.get("certificate", "")}
    elif event.verb == "record_transfer":
        text = _("Transferred from %(from)s to %(to)s by deal %(deal)s; certificate %(number)s issued in place of "
                 "%(superseded)s.") % {"from": params.get("from", ""), "to": params.get("to", ""),
                                       "deal": params.get("deal", ""), "number": params.get("certificate", ""),
                                       "superseded": params.get("superseded", "")}
    elif event.verb == "record_licence":
        text = _("Licensed to %(licensee)s by deal %(deal)s.") % {"licensee": params.get("licensee", ""),
                                                                   "deal": params.get("deal", "")}
    elif event.verb == "request_change":
        text = _("Change asked for: %(fields)s.") % {"fields": ", ".join(
            field_label(name) for name in params.get("fields", []))}
    else:
        text = _fixed().get(event.verb, "")
    if event.note:
        return f"{text} {event.note}".strip()
    return text


def product_history(product: DataProduct) -> list[HistoryEntry]:
    events: Iterable[DataProductEvent] = product.events.select_related("actor").order_by("pk")
    return notice_history(events, statuses=DataProduct.Status, describe=describe)
