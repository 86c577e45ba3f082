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


def _due(params: Params) -> dict[str, object]:
    return {**_lot(params), "premium": money_text(params, "premium"), "at": moment_text(params["due_at"])}


wording(
    "auction.pay_due",
    title=lambda p: _("Pay for lot %(lot)s by %(at)s") % _due(p),
    body=lambda p: _("Deal %(deal)s for “%(title)s” is made at %(amount)s, with a buyer's premium of %(premium)s. "
                     "Sign the contract and pay by %(at)s, or your deposit is forfeited.")
    % {**_due(p), "deal": p["deal"]},
)
wording(
    "auction.paid",
    title=lambda p: _("Lot %(lot)s is paid for") % {"lot": p["lot"]},
    body=lambda p: _("The buyer of “%(title)s” paid %(amount)s into escrow; it is released to you once the recordal "
                     "is checked.") % _lot(p),
)
wording(
    "auction.forfeited",
    title=lambda p: _("Your deposit for lot %(lot)s is forfeited") % {"lot": p["lot"]},
    body=lambda p: _("“%(title)s” was not paid for by %(at)s: the deal is cancelled and your deposit is forfeited.")
    % _due(p),
)
wording(
    "auction.forfeit_share",
    title=lambda p: _("The buyer of lot %(lot)s did not pay") % {"lot": p["lot"]},
    body=lambda p: _("“%(title)s” was not paid for by %(at)s: the deal is cancelled, and you receive %(share)s of the "
                     "buyer's forfeited deposit. The exchange may offer the lot to the runner-up.")
    % {**_due(p), "share": money_text(p, "to_seller")},
)
def _why_cancelled(params: Params) -> str:
    why = params.get("why")
    if why == "listing_off_market":
        return _("the exchange took the listing off the market before it was paid for")
    if why == "seller_not_signed":
        return _("the buyer signed the contract and the seller did not")
    return _("the exchange cancelled its deal")


wording(
    "auction.sale_cancelled",
    title=lambda p: _("The sale of lot %(lot)s is cancelled") % {"lot": p["lot"]},
    body=lambda p: (_("The sale of “%(title)s” at %(amount)s is cancelled because %(why)s. Nothing is forfeited; "
                      "everything paid for it, the deposit included, went back to the buyer, and the buyer's premium "
                      "of %(premium)s is refunded.") if p.get("premium_refunded") else
                    _("The sale of “%(title)s” at %(amount)s is cancelled because %(why)s. Nothing is forfeited and "
                      "no buyer's premium is charged; everything held for it, the deposit included, went back to the "
                      "buyer.")) % {**_lot(p), "why": _why_cancelled(p), "premium": money_text(p, "premium_refunded")},
)
wording(
    "auction.runner_up",
    title=lambda p: _("Lot %(lot)s is offered to you") % {"lot": p["lot"]},
    body=lambda p: _("The buyer of “%(title)s” did not pay; you may buy it at your last bid of %(amount)s (buyer's "
                     "premium %(premium)s). Answer by %(at)s.") % _due(p),
)
wording(
    "auction.runner_up_ended",
    title=lambda p: _("The runner-up did not take lot %(lot)s") % {"lot": p["lot"]},
    body=lambda p: _("The offer of “%(title)s” at %(amount)s was declined or lapsed.") % _lot(p),
)
