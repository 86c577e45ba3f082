"""A policy's and a claim's history in the reader's language, from the verb and params each
step stored (nothing translated is stored)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ipx.core.notices import HistoryEntry
from ipx.core.notices import history as notice_history
from ipx.deals.timeline import money_text
from ipx.finance.models import Claim, ClaimEvent, Policy, PolicyEvent


def describe_policy(event: PolicyEvent) -> str:
    params = event.params or {}
    if event.verb == "request":
        return _("Quoted: a premium of %(premium)s for a cover of %(cover)s.") % {
            "premium": money_text(params, "premium"), "cover": money_text(params, "cover")}
    if event.verb == "pay":
        return _("Premium of %(premium)s paid; in force until %(date)s.") % {
            "premium": money_text(params, "premium"), "date": params.get("ends_on", "")}
    if event.verb == "cancel":
        return _("Quote cancelled.")
    if event.verb == "expire":
        return _("Expired after its last day, %(date)s.") % {"date": params.get("ends_on", "")}
    return event.note


def policy_history(policy: Policy) -> list[HistoryEntry]:
    events: Iterable[PolicyEvent] = policy.events.select_related("actor").order_by("pk")
    return notice_history(events, statuses=Policy.Status, describe=describe_policy)


def describe_claim(event: ClaimEvent) -> str:
    params = event.params or {}
    if event.verb == "file":
        return _("Claim filed for %(amount)s.") % {"amount": money_text(params)}
    if event.verb == "default":
        return _("Claim made as guaranteed loan #%(loan)s defaulted.") % {"loan": params.get("loan", "")}
    if event.verb == "approve":
        return _("Approved: %(amount)s.") % {"amount": money_text(params)}
    if event.verb == "pay":
        return _("Paid out: %(amount)s.") % {"amount": money_text(params)}
    return event.note


def claim_history(claim: Claim) -> list[HistoryEntry]:
    events: Iterable[ClaimEvent] = claim.events.select_related("actor").order_by("pk")
    return notice_history(events, statuses=Claim.Status, describe=describe_claim)
