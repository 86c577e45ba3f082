"""The words of auction notices, in the reader's language when read or mailed. The services
store a verb and params (titles, lot numbers, amounts with their currency); nothing here
looks anything up, so a notice reads the same later on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.core.notices import Params, with_reason, wording
from ipx.deals.timeline import moment_text, money_text


def _lot(params: Params) -> dict[str, object]:
    return {"lot": params["lot"], "title": params["title"], "amount": money_text(params)}


wording(
    "auction.admitted",
    title=lambda p: _("You may bid in “%(session)s”") % {"session": p["session"]},
    body=lambda p: _("Your bidder number is %(number)s; other bidders see this number, never your name.")
    % {"number": p["number"]},
)
wording(
    "auction.refused",
    title=lambda p: _("Your registration for “%(session)s” was refused") % {"session": p["session"]},
    body=lambda p: with_reason(p, _("The operator wrote: %(reason)s"), _("The operator gave no reason.")),
)
wording(
    "auction.outbid",
    title=lambda p: _("You were outbid on lot %(lot)s") % {"lot": p["lot"]},
    body=lambda p: _("“%(title)s” now stands at %(amount)s; the lowest bid accepted is %(minimum)s.")
    % {**_lot(p), "minimum": money_text(p, "minimum")},
)
wording(
    "auction.won",
    title=lambda p: _("You won lot %(lot)s") % {"lot": p["lot"]},
    body=lambda p: _("“%(title)s” is yours at a hammer price of %(amount)s; the deal follows.") % _lot(p),
)
wording(
    "auction.lost",
    title=lambda p: _("Lot %(lot)s went to another bidder") % {"lot": p["lot"]},
    body=lambda p: _("Bidding on “%(title)s” closed at %(amount)s; your deposit is released.") % _lot(p),
)
wording(
    "auction.sold",
    title=lambda p: _("Your lot %(lot)s sold") % {"lot": p["lot"]},
    body=lambda p: _("“%(title)s” sold at a hammer price of %(amount)s.") % _lot(p),
)
wording(
    "auction.unsold",
    title=lambda p: _("Your lot %(lot)s did not sell") % {"lot": p["lot"]},
    body=lambda p: _("“%(title)s” closed without a bid at or above its reserve.") % {"title": p["title"]},
)
wording(
    "auction.closing_soon",
    title=lambda p: _("Lot %(lot)s closes soon") % {"lot": p["lot"]},
    body=lambda p: _("Bidding on “%(title)s” closes at %(at)s, later if bids come in its last minutes.")
    % {"title": p["title"], "at": moment_text(p["closes_at"])},
)
wording(
    "auction.extended",
    title=lambda p: _("Lot %(lot)s now closes later") % {"lot": p["lot"]},
    body=lambda p: _("A late bid moved the close of “%(title)s” to %(at)s; it stands at %(amount)s.")
    % {**_lot(p), "at": moment_text(p["closes_at"])},
)
