"""Whether a deal may still be made on IP rights that other deals already take: the checks
behind accepting an offer, concluding an intended agreement and a sale at auction.

The rules, as an exchange that must never sell or license the same right twice:

- Only concluded deals (成交) bind; an intended agreement (意向) binds nobody, so it blocks
  nothing, but it is itself checked when it is concluded.
- A concluded transfer not yet completed or cancelled takes the rights: no other transfer
  and no licence of them is made meanwhile. Once completed, the rights belong to the buyer
  and the listing is sold, so the seller can no longer offer them at all.
- An exclusive licence (not even the licensor uses the rights) and a sole licence (the
  licensor does, nobody else) both promise that no other licence is granted in their
  territory and field of use: while one is live — not yet completed, or completed and its
  term not ended (no term: for the life of the rights) — no other licence of any
  exclusivity that overlaps it is granted, and the rights are not transferred to anyone
  but that licensee. A non-exclusive licence blocks nothing: a later exclusive licence is
  granted subject to it, as the catalogue's recorded licences show the licensee.
- Territories and fields of use are free text, so overlap is read conservatively (see
  ``overlaps``).
- A listing that advertises a licence's exclusivity is not licensed more exclusively than
  it says (``exclusivity_refusal``): non-exclusive < sole < exclusive.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.catalog.rights import offer_refusal_message
from ipx.core.dates import add_months
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.models import Commitment, Deal, DealKind
from ipx.listings.models import Exclusivity

EXCLUSIVE_KINDS = (Exclusivity.EXCLUSIVE, Exclusivity.SOLE)
LICENCE_KINDS = (DealKind.LICENCE, DealKind.USE_FIRST)
# Words meaning "everywhere" / "every field" in a territory or field of use, compared as
# ``_normal`` leaves them.
EVERYWHERE = frozenset({"worldwide", "world", "global", "allcountries", "allfields", "any", "all", "全球",
                        "全世界", "世界", "全部", "所有领域", "不限"})
_RANK = {Exclusivity.NON_EXCLUSIVE: 0, Exclusivity.SOLE: 1, Exclusivity.EXCLUSIVE: 2}


def _normal(text: str) -> str:
    """Case, width, spaces and punctuation do not make two places different."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in folded if not unicodedata.category(c).startswith(("P", "Z", "S", "C")))


def overlaps(one: str, other: str) -> bool:
    """Whether two territories (or fields of use), given as free text, may overlap.

    The exchange cannot know that "Guangdong" lies in "China", so it errs on the side of the
    licensee who was promised exclusivity: unstated (blank) means everywhere, a word for
    everywhere overlaps anything, the same text overlaps, and so does text containing the
    other ("China" and "China (mainland)"). Only two stated, different texts neither of
    which contains the other ("Germany", "France") are taken as apart.
    """
    a, b = _normal(one), _normal(other)
    if not a or not b or a in EVERYWHERE or b in EVERYWHERE:
        return True
    return a in b or b in a


def licence_end(deal: Deal) -> date | None:
    """When a completed licence's term ends (None: it has none, so it lasts)."""
    if deal.completed_at is None or not deal.licence_term_months:
        return None
    return add_months(timezone.localdate(deal.completed_at), deal.licence_term_months)


def _live(deals: Iterable[Deal], today: date) -> Iterable[Deal]:
    for deal in deals:
        if deal.status == Deal.Status.COMPLETED:
            if deal.kind == DealKind.TRANSFER:
                continue  # the rights have moved; the seller no longer has them to offer
            end = licence_end(deal)
            if end is not None and end <= today:
                continue
        yield deal


def rights_refusal(*, kind: str, exclusivity: str, territory: str, field: str, asset_ids: Sequence[int],
                   buyer_id: int | None, exclude_deal_id: int | None = None) -> str | None:
    """Why a deal of ``kind`` (with a licence's ``exclusivity``, ``territory`` and ``field``) on
    ``asset_ids`` for ``buyer_id`` may not be made now, naming the deal in the way, or the right
    that has ended (``catalog.rights``: nobody's to sell or license); or None."""
    ended = offer_refusal_message(asset_ids)
    if ended:
        return ended
    deals = (Deal.objects.filter(asset_links__asset_id__in=list(asset_ids), commitment=Commitment.CONCLUDED)
             .exclude(status=Deal.Status.CANCELLED).exclude(pk=exclude_deal_id or 0)
             .select_related("buyer").distinct().order_by("pk"))
    exclusive_wanted = kind in LICENCE_KINDS and exclusivity in EXCLUSIVE_KINDS
    for deal in _live(deals, timezone.localdate()):
        values = {"number": deal_number(deal), "status": deal.get_status_display(), "licensee": deal.buyer.name,
                  "exclusivity": Exclusivity(deal.licence_exclusivity).label if deal.licence_exclusivity else ""}
        if deal.kind == DealKind.TRANSFER:
            return _("Deal %(number)s already transfers these IP rights (it is %(status)s); they cannot be sold or "
                     "licensed again unless that deal is cancelled.") % values
        if deal.licence_exclusivity not in EXCLUSIVE_KINDS:
            continue
        if kind == DealKind.TRANSFER:
            if deal.buyer_id == buyer_id:
                continue  # the licensee buys the rights outright: the licence merges into ownership
            return _("Deal %(number)s licenses these IP rights to %(licensee)s (%(exclusivity)s); they cannot be "
                     "transferred to another organisation while that licence lasts.") % values
        if overlaps(territory, deal.licence_territory) and overlaps(field, deal.licence_field):
            values["territory"] = deal.licence_territory or _("unstated")
            if exclusive_wanted:
                return _("Deal %(number)s already licenses these IP rights to %(licensee)s (%(exclusivity)s, "
                         "territory: %(territory)s); another exclusive or sole licence overlapping it cannot be "
                         "granted.") % values
            return _("Deal %(number)s already licenses these IP rights to %(licensee)s (%(exclusivity)s, "
                     "territory: %(territory)s); no other licence overlapping it can be granted.") % values
    return None


def exclusivity_refusal(*, kind: str, exclusivity: str, advertised: str) -> str | None:
    """Why a licence of ``exclusivity`` goes beyond what its listing advertises, or None (the
    listing states none, or the licence asks no more)."""
    if kind not in LICENCE_KINDS or not advertised or not exclusivity:
        return None
    if _RANK.get(Exclusivity(exclusivity), 0) <= _RANK.get(Exclusivity(advertised), 0):
        return None
    return _("The listing advertises its licence as: %(advertised)s. A licence that is %(asked)s goes beyond it "
             "and is not accepted; ask the seller to change the listing first.") % {
        "advertised": Exclusivity(advertised).label, "asked": Exclusivity(exclusivity).label}
