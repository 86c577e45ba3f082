"""Reads for technology demands, scoped to what the asking user may see.

Anonymous demands are on the board like the others, but their organisation is shown only
to its own members and to operators: ``shows_organisation`` decides, and every page and API
answer asks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.regions import Province, is_country_code, region_code, region_code_label
from ipx.accounts.selectors import memberships_of
from ipx.catalog.models import IpcCode
from ipx.catalog.reference import ipc_title
from ipx.core.errors import NotFound, ValidationFailed
from ipx.core.money import Currency
from ipx.matching.models import ANY_REGION, Demand
from ipx.search.normalise import query_groups

S = Demand.Status
# Statuses a demand can be seen in by everyone, once it has been published.
PUBLIC_STATUSES = (S.PUBLISHED, S.CLOSED, S.EXPIRED)
IPC_SECTIONS = tuple("ABCDEFGH")
MAX_QUERY_CHARS = 200


# Whoever reads a page or a public endpoint: signed in or not.
Reader = User | AnonymousUser


def reader_of(request: HttpRequest) -> Reader:
    """The user a request reads as: signed in, or anonymous."""
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else AnonymousUser()


def member_organisation_ids(user: Reader) -> set[int]:
    return set(memberships_of(user).values_list("organisation_id", flat=True))


def is_poster(user: Reader, demand: Demand, organisation_ids: set[int] | None = None) -> bool:
    """Whether ``user`` is a member of the organisation that posted the demand."""
    if not isinstance(user, User):
        return False
    ids = member_organisation_ids(user) if organisation_ids is None else organisation_ids
    return demand.organisation_id in ids


def shows_organisation(user: Reader, demand: Demand, organisation_ids: set[int] | None = None) -> bool:
    if demand.visibility == Demand.Visibility.PUBLIC:
        return True
    return isinstance(user, User) and (user.is_operator or is_poster(user, demand, organisation_ids))


def demand_visible(user: Reader, demand_id: int) -> Demand:
    """A demand anyone may read once published; before that only its organisation's members
    and operators."""
    demand = Demand.objects.select_related("organisation").filter(pk=demand_id).first()
    if demand is None:
        raise NotFound(_("No such demand."))
    if demand.status in PUBLIC_STATUSES and demand.published_at is not None:
        return demand
    if isinstance(user, User) and (user.is_operator or is_poster(user, demand)):
        return demand
    raise NotFound(_("No such demand."))


# --- The board ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardFilters:
    q: str = ""
    ipc_section: str = ""
    region: str = ""
    currency: str = ""
    groups: list[list[str]] = field(default_factory=list, compare=False)

    @property
    def active(self) -> bool:
        return bool(self.q or self.ipc_section or self.region or self.currency)


def valid_region_filter(value: str) -> bool:
    if value == ANY_REGION or value in {"CN", "HK", "MO", "TW"}:
        return True
    if value.startswith("CN-"):
        return value[3:] in Province.values
    return is_country_code(value)


def parse_board_filters(params: Mapping[str, object]) -> BoardFilters:
    """Board filters from request parameters; a bad value raises ValidationFailed naming it."""
    q = str(params.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ValidationFailed.for_field("q", _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_CHARS})
    if "\x00" in q:
        raise ValidationFailed.for_field("q", _("The search text contains a NUL character."))
    # Chosen from lists, so taken as sent: white space around one is refused like any other
    # value that is not in the list (as the API's document says), not stripped off.
    section = str(params.get("ipc_section") or "").upper()
    if section and section not in IPC_SECTIONS:
        raise ValidationFailed.for_field("ipc_section", _("An IPC section is one letter from A to H."))
    region = str(params.get("region") or "")
    if region and not valid_region_filter(region):
        raise ValidationFailed.for_field("region", _("“%(value)s” is not a region.") % {"value": region})
    currency = str(params.get("currency") or "").upper()
    if currency and currency not in Currency.values:
        raise ValidationFailed.for_field("currency", _("“%(value)s” is not a currency of the exchange.")
                                         % {"value": currency})
    return BoardFilters(q=q, ipc_section=section, region=region, currency=currency,
                        groups=query_groups(q) if q else [])


def _region_q(code: str) -> Q:
    if code == ANY_REGION:
        return Q(region_kind=ANY_REGION)
    if code == "CN":
        return Q(region_kind="mainland")
    if code.startswith("CN-"):
        return Q(region_kind="mainland", province=code[3:])
    domestic = {"HK": "hk", "MO": "mo", "TW": "tw"}
    if code in domestic:
        return Q(region_kind=domestic[code])
    return Q(region_kind="overseas", country=code)


def published_demands(filters: BoardFilters | None = None) -> QuerySet[Demand]:
    """The board: published demands, newest first, narrowed by ``filters``."""
    demands = Demand.objects.filter(status=S.PUBLISHED).select_related("organisation")
    if filters is not None:
        if filters.q and not filters.groups:
            return demands.none()  # only function words or punctuation: nothing can match
        for group in filters.groups:
            # Tokens come from the same normalisation as the stored terms: one of each group must be there.
            any_token = Q()
            for token in group:
                any_token |= Q(search_terms__contains=f" {token} ")
            demands = demands.filter(any_token)
        if filters.ipc_section:
            demands = demands.filter(ipc_sections__contains=filters.ipc_section)
        if filters.region:
            demands = demands.filter(_region_q(filters.region))
        if filters.currency:
            demands = demands.filter(budget_currency=filters.currency)
    return demands.order_by("-published_at", "-pk")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


def board_options() -> dict[str, list[Option]]:
    """Filter values present among published demands, with counts (regions and currencies)."""
    published = Demand.objects.filter(status=S.PUBLISHED)
    regions: dict[str, int] = {}
    for row in published.values("region_kind", "province", "country").annotate(n=Count("pk")):
        code = ANY_REGION if row["region_kind"] == ANY_REGION else region_code(
            row["region_kind"], row["province"], row["country"])
        regions[code] = regions.get(code, 0) + row["n"]
    region_options = [Option(code, _("Any region") if code == ANY_REGION else region_code_label(code), n)
                      for code, n in sorted(regions.items(), key=lambda item: (-item[1], item[0]))]
    currencies = (published.exclude(budget_currency="").values("budget_currency").annotate(n=Count("pk"))
                  .order_by("-n", "budget_currency"))
    currency_options = [Option(row["budget_currency"], str(Currency(row["budget_currency"]).label), row["n"])
                        for row in currencies]
    return {"region": region_options, "currency": currency_options}


# --- Lists for members and operators --------------------------------------------------------

def demands_of_organisations(organisation_ids: Iterable[int], *, status: str | None = None) -> QuerySet[Demand]:
    demands = Demand.objects.filter(organisation_id__in=list(organisation_ids)).select_related("organisation")
    if status:
        demands = demands.filter(status=status)
    return demands.order_by("-updated_at", "-pk")


def demands_awaiting_review() -> QuerySet[Demand]:
    return Demand.objects.filter(status=S.SUBMITTED).select_related("organisation").order_by("submitted_at", "pk")


def published_demands_by_ids(ids: Iterable[int]) -> dict[int, Demand]:
    """For matching: the published ones among ``ids``."""
    demands = Demand.objects.filter(pk__in=list(ids), status=S.PUBLISHED).select_related("organisation")
    return {demand.pk: demand for demand in demands}


def ipc_labels(codes: list[str], language: str) -> list[tuple[str, str]]:
    """Each IPC code with its title in ``language`` (empty for a group of an earlier edition)."""
    entries = {entry.code: entry for entry in IpcCode.objects.filter(code__in=codes)}
    return [(code, ipc_title(entries[code], language) if code in entries else "") for code in codes]


def published_demand_ids() -> list[int]:
    return list(Demand.objects.filter(status=S.PUBLISHED).order_by("pk").values_list("pk", flat=True))
