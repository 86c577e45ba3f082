"""A valuation's and a loan's history in the reader's language, from the verb and params each
step stored (nothing translated is stored)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from ipx.core.notices import HistoryEntry
from ipx.core.notices import history as notice_history
from ipx.deals.timeline import amount_text, money_text
from ipx.finance.models import Loan, LoanEvent, Valuation, ValuationEvent


def _approach(params: dict[str, Any]) -> str:
    return {"income": _("income approach"), "cost": _("cost approach"),
            "market": _("market approach")}.get(str(params.get("approach")), str(params.get("approach", "")))


def describe_valuation(event: ValuationEvent) -> str:
    params = event.params or {}
    if event.verb == "request":
        return _("Valuation requested.")
    if event.verb == "record":
        if params.get("value") is None:
            return _("Recorded the %(approach)s: too few comparable deals to conclude.") % {
                "approach": _approach(params)}
        return _("Recorded the %(approach)s: %(value)s.") % {
            "approach": _approach(params), "value": amount_text(params["value"], event.valuation.currency)}
    if event.verb == "sign_off":
        return _("Signed off at %(value)s.") % {"value": amount_text(params.get("value"),
                                                                      event.valuation.currency)}
    return event.note


def valuation_history(valuation: Valuation) -> list[HistoryEntry]:
    events: Iterable[ValuationEvent] = valuation.events.select_related("actor", "valuation").order_by("pk")
    return notice_history(events, statuses=Valuation.Status, describe=describe_valuation)


def describe_loan(event: LoanEvent) -> str:
    params = event.params or {}
    if event.verb == "apply":
        return _("Applied for %(amount)s.") % {"amount": money_text(params)}
    if event.verb == "attach_valuation":
        return _("Valuation #%(id)s attached.") % {"id": params.get("valuation", "")}
    if event.verb == "offer":
        return _("Offered %(amount)s at %(rate)s%% a year.") % {"amount": money_text(params),
                                                                 "rate": params.get("annual_percent", "")}
    if event.verb == "submit_pledge":
        return _("Pledge registration number %(number)s entered.") % {"number": params.get("number", "")}
    if event.verb == "approve_pledge":
        return _("Pledge checked; %(amount)s paid out in %(count)s instalments.") % {
            "amount": money_text(params), "count": params.get("instalments", "")}
    if event.verb == "instalment_paid":
        return _("Instalment %(number)s paid: %(amount)s.") % {"number": params.get("number", ""),
                                                               "amount": money_text(params)}
    if event.verb == "prepaid":
        return _("Repaid early: %(principal)s of principal with %(interest)s of interest.") % {
            "principal": money_text(params, "principal"), "interest": money_text(params, "interest")}
    if event.verb == "repaid":
        return _("Repaid in full; the pledge is released.")
    if event.verb == "default":
        return _("Defaulted after %(days)s days overdue.") % {"days": params.get("days_overdue", "")}
    return event.note


def loan_history(loan: Loan) -> list[HistoryEntry]:
    events: Iterable[LoanEvent] = loan.events.select_related("actor").order_by("pk")
    return notice_history(events, statuses=Loan.Status, describe=describe_loan)

