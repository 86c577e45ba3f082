"""The results of auction sessions, read in a fixed number of queries however many lots.

Definitions (the expo's published figures use the same ones):

- a lot's *hammer price* is the price it sold at; an unsold or withdrawn lot has none;
- its *premium rate* is (hammer − start) / start, rounded to four decimal places;
- its *bids* are every accepted bid on it (a proxy's automatic bids included) and its
  *bidders* the distinct bidders among them;
- *lots offered* are the lots that went under the hammer: sold or unsold. A withdrawn lot was
  not offered in the end, and a lot still open is not counted until it closes;
- the *success rate* is sold / offered, rounded to four decimal places.

A lot's IP types are those of its listing's assets. A package of a patent and a trademark
counts once under each type, so the rows per type may add up to more than the session's own
row, which counts every lot once.

``results_of`` reads several sessions at once (the statistics bulletin sums a year's);
``session_results`` is the one session a viewer may see: a finished session's results are
public, a session still running shows them to operators only, and a session being prepared or
cancelled is not found except by operators. Reserve prices and bidders' organisations are
never read here: a winner is named by its bidder number at most.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.auctions.models import AuctionSession, Bid, Lot
from ipx.catalog.models import Asset
from ipx.core.errors import NotFound, PermissionDenied
from ipx.core.ids import MAX_ID
from ipx.core.money import ZERO
from ipx.listings.models import ListingAsset

RATE_PLACES = Decimal("0.0001")
CLOSED = (Lot.Status.SOLD, Lot.Status.UNSOLD)
TYPE_ORDER = {value: index for index, value in enumerate(Asset.Type.values)}


def rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A ratio rounded to four decimal places, half up (0.0333 for one in thirty)."""
    return (numerator / denominator).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LotResult:
    lot_id: int
    number: int
    title: str
    offer_kind: str
    ip_types: tuple[str, ...]
    status: str
    currency: str
    starting_price: Decimal
    hammer_price: Decimal | None
    premium_rate: Decimal | None
    bids: int
    bidders: int
    # The winner's bidder number (never its organisation).
    winner_number: int | None
    closed_at: datetime | None

    @property
    def sold(self) -> bool:
        return self.status == Lot.Status.SOLD

    @property
    def offered(self) -> bool:
        return self.status in CLOSED

    @property
    def status_label(self) -> str:
        return str(Lot.Status(self.status).label)

    @property
    def offer_kind_label(self) -> str:
        return str(Lot.OfferKind(self.offer_kind).label)

    @property
    def ip_type_labels(self) -> list[str]:
        return [str(Asset.Type(value).label) for value in self.ip_types]


@dataclass(frozen=True)
class Summary:
    """The figures of a set of lots: of one IP type (``ip_type``), or of all (``ip_type`` "")."""

    ip_type: str
    currency: str
    lots_offered: int
    lots_sold: int
    lots_withdrawn: int
    success_rate: Decimal | None
    total_hammer: Decimal
    highest_premium_rate: Decimal | None

    @property
    def ip_type_label(self) -> str:
        return str(Asset.Type(self.ip_type).label) if self.ip_type else _("All lots")


@dataclass(frozen=True)
class SessionResults:
    session_id: int
    title: str
    status: str
    currency: str
    starts_at: datetime
    lots: tuple[LotResult, ...]
    by_ip_type: tuple[Summary, ...]
    total: Summary

    @property
    def status_label(self) -> str:
        return str(AuctionSession.Status(self.status).label)

    @property
    def is_final(self) -> bool:
        return self.status == AuctionSession.Status.FINISHED


def summarise(lots: Iterable[LotResult], *, ip_type: str = "", currency: str) -> Summary:
    """The figures of ``lots`` (all of one currency)."""
    chosen = list(lots)
    offered = [lot for lot in chosen if lot.offered]
    sold = [lot for lot in offered if lot.sold]
    premiums = [lot.premium_rate for lot in sold if lot.premium_rate is not None]
    return Summary(
        ip_type=ip_type, currency=currency, lots_offered=len(offered), lots_sold=len(sold),
        lots_withdrawn=sum(1 for lot in chosen if lot.status == Lot.Status.WITHDRAWN),
        success_rate=rate(Decimal(len(sold)), Decimal(len(offered))) if offered else None,
        total_hammer=sum((lot.hammer_price or ZERO for lot in sold), ZERO),  # "0.00" when none sold
        highest_premium_rate=max(premiums) if premiums else None,
    )


def by_ip_type(lots: Sequence[LotResult], *, currency: str) -> tuple[Summary, ...]:
    """One summary per IP type present among ``lots``, in the catalog's order of types."""
    types = sorted({value for lot in lots for value in lot.ip_types}, key=lambda value: TYPE_ORDER.get(value, 99))
    return tuple(summarise((lot for lot in lots if value in lot.ip_types), ip_type=value, currency=currency)
                 for value in types)


def _lot_result(lot: Lot, currency: str, counts: dict[int, tuple[int, int]], types: dict[int, set[str]]) -> LotResult:
    sold = lot.status == Lot.Status.SOLD and lot.price is not None
    hammer = lot.price if sold else None
    premium = rate(hammer - lot.starting_price, lot.starting_price) if hammer is not None else None
    bids, bidders = counts.get(lot.pk, (0, 0))
    return LotResult(
        lot_id=lot.pk, number=lot.number, title=lot.listing.title, offer_kind=lot.offer_kind,
        ip_types=tuple(sorted(types.get(lot.listing_id, set()), key=lambda value: TYPE_ORDER.get(value, 99))),
        status=lot.status, currency=currency, starting_price=lot.starting_price, hammer_price=hammer,
        premium_rate=premium, bids=bids, bidders=bidders,
        winner_number=lot.leader.bidder_number if sold and lot.leader is not None else None,
        closed_at=lot.closed_at,
    )


def results_of(session_ids: Iterable[int]) -> list[SessionResults]:
    """The results of each of the sessions (those that exist), in the order of the ids given.
    Four queries in all: sessions, lots, bid counts, asset types."""
    ids = list(dict.fromkeys(int(value) for value in session_ids))
    sessions = AuctionSession.objects.in_bulk(ids)
    if not sessions:
        return []
    lots = list(Lot.objects.filter(session_id__in=sessions).select_related("listing", "leader")
                .only("id", "session_id", "number", "offer_kind", "status", "starting_price", "price", "closed_at",
                      "listing__id", "listing__title", "leader__id", "leader__bidder_number")
                .order_by("session_id", "number"))
    counts = {row["lot"]: (row["bids"], row["bidders"]) for row in
              Bid.objects.filter(lot__session_id__in=sessions).values("lot").order_by()
              .annotate(bids=Count("id"), bidders=Count("registration", distinct=True))}
    types: dict[int, set[str]] = defaultdict(set)
    for listing_id, ip_type in (ListingAsset.objects.filter(listing__auction_lots__session_id__in=sessions)
                                .values_list("listing_id", "asset__ip_type").distinct()):
        types[listing_id].add(ip_type)
    per_session: dict[int, list[LotResult]] = defaultdict(list)
    for lot in lots:
        per_session[lot.session_id].append(_lot_result(lot, sessions[lot.session_id].currency, counts, types))
    answer = []
    for session_id in ids:
        session = sessions.get(session_id)
        if session is None:
            continue
        session_lots = tuple(per_session[session_id])
        answer.append(SessionResults(
            session_id=session.pk, title=session.title, status=session.status, currency=session.currency,
            starts_at=session.starts_at, lots=session_lots,
            by_ip_type=by_ip_type(session_lots, currency=session.currency),
            total=summarise(session_lots, currency=session.currency)))
    return answer


def lots_closed(*, since: date, until: date) -> tuple[LotResult, ...]:
    """Every lot that went under the hammer (sold or unsold) on a day of ``[since, until)`` in
    the exchange's time zone, whatever its session: the statistics bulletin's auctions. Three
    queries however many lots."""
    zone = timezone.get_current_timezone()
    lots = list(Lot.objects.filter(status__in=CLOSED, closed_at__gte=datetime.combine(since, time.min, tzinfo=zone),
                                   closed_at__lt=datetime.combine(until, time.min, tzinfo=zone))
                .select_related("listing", "leader", "session")
                .only("id", "session__currency", "number", "offer_kind", "status", "starting_price", "price",
                      "closed_at", "listing__id", "listing__title", "leader__id", "leader__bidder_number")
                .order_by("closed_at", "id"))
    types: dict[int, set[str]] = defaultdict(set)
    for listing_id, ip_type in (ListingAsset.objects.filter(listing_id__in={lot.listing_id for lot in lots})
                                .values_list("listing_id", "asset__ip_type").distinct()):
        types[listing_id].add(ip_type)
    # Bids are not counted here: the bulletin reads prices and types only.
    return tuple(_lot_result(lot, lot.session.currency, {}, types) for lot in lots)


def results_visible(viewer: object, session: AuctionSession) -> None:
    """Raise unless ``viewer`` may read ``session``'s results (see the module's notes)."""
    if getattr(viewer, "is_operator", False):
        return
    S = AuctionSession.Status
    if session.status in (S.DRAFT, S.CANCELLED):
        raise NotFound(_("No such auction session."))
    if session.status != S.FINISHED:
        raise PermissionDenied(_("The results are published when the session has finished."))


def session_results(viewer: object, session_id: int) -> SessionResults:
    """The results of one session for ``viewer``: 404 when it does not exist (or is not public),
    403 while it is still running."""
    session = AuctionSession.objects.filter(pk=session_id).first() if 0 < session_id <= MAX_ID else None
    if session is None:
        raise NotFound(_("No such auction session."))
    results_visible(viewer, session)
    found = results_of([session.pk])
    return found[0]
