"""The words of negotiation notices, in the reader's language when read or mailed.

The services store a verb and params (names, titles, amounts with their currency, the text
a person wrote); nothing here looks anything up, so a notice reads the same later on.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.notices import Params, with_reason, wording
from ipx.deals.timeline import money_text


def _writer(params: Params) -> str:
    # An operator writes for no organisation.
    return str(params.get("writer") or _("The exchange operator"))


def _price(params: Params) -> str:
    return money_text(params)


# --- Threads and messages ------------------------------------------------------------------------

wording(
    "thread.inquiry",
    title=lambda p: _("New inquiry about “%(title)s”") % {"title": p["title"]},
    body=lambda p: _("%(buyer)s wrote: %(text)s") % {"buyer": p["writer"], "text": p["text"]},
)


def _message_title(params: Params) -> str:
    if params.get("inquiry"):  # the buyer asked again in a thread it had before
        return _("New inquiry about “%(title)s”") % {"title": params["title"]}
    return _("New message about “%(title)s”") % {"title": params["title"]}


def _message_body(params: Params) -> str:
    if params.get("inquiry"):
        return _("%(buyer)s wrote: %(text)s") % {"buyer": params["writer"], "text": params["text"]}
    if params["text"]:
        return _("%(writer)s wrote: %(text)s") % {"writer": _writer(params), "text": params["text"]}
    count = int(params["files"])
    return ngettext("%(writer)s sent %(n)d file.", "%(writer)s sent %(n)d files.", count) % {
        "writer": _writer(params), "n": count}


wording("message.posted", title=_message_title, body=_message_body)


def _agent_title(params: Params) -> str:
    if params.get("to_agency"):
        return _("%(party)s asks you to act in “%(title)s”") % {"party": params["party"], "title": params["title"]}
    return _("%(agency)s acts for %(party)s") % {"agency": params["agency"], "party": params["party"]}


wording(
    "thread.agent_added",
    title=_agent_title,
    body=lambda p: _("%(party)s added %(agency)s as its agent in the negotiation “%(title)s”.")
    % {"party": p["party"], "agency": p["agency"], "title": p["title"]},
)


def _closed_body(params: Params) -> str:
    return with_reason(params, _("%(who)s closed the negotiation: %(reason)s"),
                       _("%(who)s closed the negotiation."), who=_writer(params))


wording(
    "thread.closed",
    title=lambda p: _("Negotiation closed: “%(title)s”") % {"title": p["title"]},
    body=_closed_body,
)


# --- Offers --------------------------------------------------------------------------------------

wording(
    "offer.received",
    title=lambda p: _("New offer on “%(title)s”") % {"title": p["title"]},
    body=lambda p: _("%(maker)s offers %(price)s.") % {"maker": p["maker"], "price": _price(p)},
)
wording(
    "offer.countered",
    title=lambda p: _("Counter-offer on “%(title)s”") % {"title": p["title"]},
    body=lambda p: _("%(maker)s answers your offer with %(price)s.") % {"maker": p["maker"], "price": _price(p)},
)
wording(
    "offer.withdrawn",
    title=lambda p: _("Offer withdrawn on “%(title)s”") % {"title": p["title"]},
    body=lambda p: _("%(maker)s withdrew its offer of %(price)s.") % {"maker": p["maker"], "price": _price(p)},
)


def _rejected_body(params: Params) -> str:
    return with_reason(params, _("Your offer of %(price)s was rejected: %(reason)s"),
                       _("Your offer of %(price)s was rejected."), price=_price(params))


wording(
    "offer.rejected",
    title=lambda p: _("Offer rejected on “%(title)s”") % {"title": p["title"]},
    body=_rejected_body,
)
wording(
    "offer.accepted",
    title=lambda p: _("Offer accepted on “%(title)s”") % {"title": p["title"]},
    body=lambda p: _("Your offer of %(price)s was accepted; the deal is ready to sign.") % {"price": _price(p)},
)
wording(
    "offer.expired",
    title=lambda p: _("Your offer on “%(title)s” expired") % {"title": p["title"]},
    body=lambda p: _("Your offer of %(price)s expired without an answer.") % {"price": _price(p)},
)
