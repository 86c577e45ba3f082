"""The words of a listing's history and of the notices listings send, made when they are
read, in the reader's language.

Event rows store the step's verb, what the system recorded (params) and what a person typed
(note: a review note, a reason). Rows written before verbs existed have an empty verb and
keep the text that was stored with them. Notices are stored as a verb and params; their
wording is registered here (imported by ``ListingsConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from ipx.catalog.models import Asset
from ipx.core.notices import HistoryEntry, Params, wording
from ipx.core.notices import history as notice_history
from ipx.listings.models import Listing, ListingEvent


def _deal(params: Params) -> str:
    # A deal reserved, released or sold the listing; its number says which deal.
    return str(params.get("deal", ""))


def _ended(params: Params) -> str:
    # The clock took the listing off the market because one of its rights ended (``catalog.rights``).
    status = Asset.LegalStatus(params["status"]).label if params.get("status") in Asset.LegalStatus.values else ""
    return _("“%(title)s” is no longer in force (%(status)s): the listing came off the market.") % {
        "title": params["right_ended"], "status": status}


_SENTENCES: dict[str, Callable[[Params], str]] = {
    "edit": lambda params: _("edited"),
    "edit_material": lambda params: _("edited its assets, price or terms; back to review"),
    "expire": lambda params: _ended(params) if "right_ended" in params else _("The offer period ended."),
    "reserve": _deal,
    "release": _deal,
    "sell": _deal,
}


def describe(event: ListingEvent) -> str:
    """What happened at this step, in the active language, with the note a person wrote."""
    if not event.verb:
        return event.note
    sentence = _SENTENCES.get(event.verb)
    said = sentence(event.params or {}) if sentence else ""
    return " — ".join(part for part in (said, event.note) if part)


def history(events: Iterable[ListingEvent]) -> list[HistoryEntry]:
    return notice_history(events, statuses=Listing.Status, describe=describe)


# --- Notices -------------------------------------------------------------------------------------

wording(
    "nda.accepted",
    title=lambda p: _("%(name)s accepted the NDA of “%(title)s”") % {"name": p["name"], "title": p["title"]},
    body=lambda p: _("%(name)s accepted the non-disclosure terms of your listing “%(title)s” and can now see "
                     "its documents.") % {"name": p["name"], "title": p["title"]},
)


def _with_note(sentence: str, note: object) -> str:
    return f"{sentence}\n\n{note}" if note else sentence


def _came_off(params: Params) -> str:
    if "right_ended" in params:
        return _ended(params)
    return _("Its offer period ended on %(date)s. Reopen it, check it and submit it again to offer it once "
             "more.") % {"date": params.get("expires_on", "")}


# What the seller hears of the exchange's steps on its listing (``services._tell_seller``).
wording("listing.approved",
        title=lambda p: _("Your listing “%(title)s” is on the market") % {"title": p["title"]},
        body=lambda p: _with_note(_("Buyers can now find it, ask about it and make offers."), p.get("note")))
wording("listing.rejected",
        title=lambda p: _("Your listing “%(title)s” needs changes") % {"title": p["title"]},
        body=lambda p: str(p["reason"]))
wording("listing.expired",
        title=lambda p: _("Your listing “%(title)s” came off the market") % {"title": p["title"]},
        body=_came_off)
wording("listing.taken_down",
        title=lambda p: _("The exchange took your listing “%(title)s” off the market") % {"title": p["title"]},
        body=lambda p: str(p.get("reason") or "") or _("The operator gave no reason; ask the exchange if it is "
                                                       "not clear why."))
