"""The words of the matching app: its notifications and a demand's history, said in the
reader's language when read or mailed, from the verb and params stored.

Params hold names and titles as they were when it happened, and a match's reasons as codes
and values (the sentences come from ``matches.explain``). An anonymous demand's poster is
never in the params of a notice to anyone else: ``poster`` is null and the notice says an
organisation chose not to be named.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.notices import HistoryEntry, Params, wording
from ipx.core.notices import history as notice_history
from ipx.matching.matches.explain import Reader, reason_sentences
from ipx.matching.models import Demand, DemandEvent

# --- A demand's history ----------------------------------------------------------------------


def history(events: Iterable[DemandEvent]) -> list[HistoryEntry]:
    """History rows in the reader's language."""
    return notice_history(events, statuses=Demand.Status, describe=describe)


def describe(event: DemandEvent) -> str:
    """What a history row says beside its from → to: the system's words for the step, or
    what the person typed (a reason, a closing note). Rows from before verbs were stored
    show their stored note as it is."""
    if event.verb == "edit":
        return _("edited")
    if event.verb == "expire":
        return _("The deadline passed.")
    return event.note


# --- Notifications --------------------------------------------------------------------------


def _approved_body(params: Params) -> str:
    note = params.get("note") or ""
    return _("Members can now see it on the demand board.") + (f"\n\n{note}" if note else "")


wording("demand.approved",
        title=lambda p: _("Your demand “%(title)s” is published") % {"title": p["title"]},
        body=_approved_body)
wording("demand.rejected",
        title=lambda p: _("Your demand “%(title)s” needs changes") % {"title": p["title"]},
        body=lambda p: str(p["reason"]))


def _why(params: Params, reader: Reader) -> str:
    sentences = [item.sentence for item in
                 reason_sentences({"reasons": list(params.get("reasons") or [])}, reader=reader, limit=4)]
    return _("Why: %(reasons)s.") % {"reasons": "; ".join(sentences)} if sentences else ""


def _poster(params: Params) -> str:
    poster = params.get("poster")
    return str(poster) if poster else _("An organisation that chose not to be named")


def _titles(params: Params) -> list[str]:
    return [f"· {title}" for title in params.get("listings") or []]


def _demand_match_title(p: Params) -> str:
    if p["n"] == 1:
        return _("A listing may solve your demand “%(demand)s”") % {"demand": p["demand"]}
    return (ngettext("%(n)d listing may solve your demand “%(demand)s”",
                     "%(n)d listings may solve your demand “%(demand)s”", p["n"])
            % {"n": p["n"], "demand": p["demand"]})


def _demand_match_body(p: Params) -> str:
    if p["n"] == 1:
        return "\n".join(part for part in (
            _("“%(listing)s” from %(seller)s.") % {"listing": p["listing"], "seller": p["seller"]},
            _why(p, "demand")) if part)
    return "\n".join([_("See why each one fits on the demand's page."), *_titles(p)])


def _listing_match_title(p: Params) -> str:
    if p["n"] == 1:
        return _("Your listing matches a demand: “%(demand)s”") % {"demand": p["demand"]}
    return (ngettext("%(n)d of your listings matches a demand: “%(demand)s”",
                     "%(n)d of your listings match a demand: “%(demand)s”", p["n"])
            % {"n": p["n"], "demand": p["demand"]})


def _listing_match_body(p: Params) -> str:
    if p["n"] == 1:
        return "\n".join(part for part in (
            _("%(poster)s is looking for “%(demand)s”; your listing “%(listing)s” may solve it.")
            % {"poster": _poster(p), "demand": p["demand"], "listing": p["listing"]},
            _why(p, "seller")) if part)
    return "\n".join([_("%(poster)s is looking for “%(demand)s”.") % {"poster": _poster(p), "demand": p["demand"]},
                      *_titles(p)])


wording("demand.match", title=_demand_match_title, body=_demand_match_body)
wording("listing.match", title=_listing_match_title, body=_listing_match_body)
wording("saved_search.match",
        title=lambda p: _("New listing for your saved search “%(name)s”") % {"name": p["name"]},
        body=lambda p: _("“%(title)s” from %(seller)s matches your saved search “%(name)s”.")
        % {"title": p["title"], "seller": p["seller"], "name": p["name"]})
