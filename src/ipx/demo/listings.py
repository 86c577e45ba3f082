"""Listings for the demo assets: mostly single patents, some packages of one holder's
patents, every way of offering and pricing, in several currencies. All choices come from
one seeded random generator, so every load produces the same listings.

Each listing goes through the listing services (create → submit → operator approval), so
it has its event rows; a few stay drafts or wait for the operator's review.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from ipx.accounts.models import Organisation, User
from ipx.accounts.regions import RegionKind
from ipx.catalog.models import Asset, Patent
from ipx.core.errors import ApplicationError
from ipx.core.money import INDICATIVE_CNY_RATES
from ipx.demo.organisations import ORGANISATIONS, OrgSpec
from ipx.demo.results import Created, Skipped, describe
from ipx.listings.inputs import ListingInput
from ipx.listings.models import Exclusivity, Listing, OfferKind, PriceType
from ipx.listings.services import listing_approve, listing_create, listing_submit

SEED = 2026
PACKAGE_SHARE = 0.08  # of the patent listings, about this many are packages of 2–5
DRAFTS = 6
AWAITING_REVIEW = 10
# The owner login should find a draft and a listing awaiting review among its own.
SHOWCASE_HOLDER = "owner"

O = OfferKind  # noqa: E741 - short names keep the offer tables readable
S = Listing.Status
# Ways of offering a patent and how often each occurs; universities mostly license.
_PATENT_OFFERS: tuple[tuple[tuple[str, ...], int], ...] = (
    ((O.TRANSFER,), 30),
    ((O.TRANSFER, O.LICENCE), 14),
    ((O.LICENCE,), 14),
    ((O.USE_FIRST,), 10),
    ((O.LICENCE, O.USE_FIRST), 6),
    ((O.TRANSFER, O.PLEDGE), 6),
    ((O.PLEDGE,), 4),
    ((O.AUCTION,), 8),
    ((O.TRANSFER, O.LICENCE, O.PLEDGE), 8),
)
_UNIVERSITY_OFFERS: tuple[tuple[tuple[str, ...], int], ...] = (
    ((O.TRANSFER,), 15),
    ((O.TRANSFER, O.LICENCE), 20),
    ((O.LICENCE,), 20),
    ((O.USE_FIRST,), 25),
    ((O.LICENCE, O.USE_FIRST), 12),
    ((O.AUCTION,), 8),
)
_OTHER_OFFERS: dict[str, tuple[tuple[str, ...], ...]] = {
    Asset.Type.TRADEMARK: ((O.TRANSFER,), (O.TRANSFER, O.LICENCE), (O.LICENCE,)),
    Asset.Type.COPYRIGHT: ((O.LICENCE,), (O.TRANSFER, O.LICENCE)),
    Asset.Type.GI: ((O.LICENCE,),),
}
# Typical asking prices in CNY (lowest, highest), in units of 10,000.
_PRICE_BANDS: dict[str, tuple[int, int]] = {
    Patent.Kind.INVENTION: (8, 150),
    Patent.Kind.UTILITY_MODEL: (2, 30),
    Patent.Kind.DESIGN: (1, 10),
    Asset.Type.TRADEMARK: (5, 80),
    Asset.Type.COPYRIGHT: (5, 50),
}
_FIELDS = {
    "A": "农业、食品与医疗健康",
    "B": "装备制造与交通运输",
    "C": "化工、材料与冶金",
    "D": "纺织与造纸",
    "E": "建筑与矿业工程",
    "F": "机械、照明与能源",
    "G": "仪器、计算与信息技术",
    "H": "电子、电力与通信",
}
GI_FIELD = "地理标志产品的品牌合作与渠道推广（专用标志的使用须经主管部门核准）"
ROYALTIES = ("1.50", "2.00", "3.00", "3.50", "5.00", "8.00")
_TERRITORIES = ("中国大陆", "粤港澳大湾区", "广东省", "全球", "中国大陆及港澳地区")
_OFFER_TEXTS: dict[str, str] = {
    O.TRANSFER: "可整体转让，协助办理权利转移登记。",
    O.LICENCE: "可按约定的方式、地域、领域和期限许可实施。",
    O.USE_FIRST: "支持先用后付：试用期内免费实施，期满后按约定付费。",
    O.PLEDGE: "可作为知识产权质押融资的质物，欢迎金融机构洽谈。",
    O.AUCTION: "拟通过平台拍卖，标价为起拍价。",
}
_CURRENCIES = {  # by the holder's region: currencies and their weights
    RegionKind.MAINLAND: (("CNY", 94), ("USD", 3), ("HKD", 3)),
    RegionKind.HONG_KONG: (("HKD", 80), ("CNY", 20)),
    RegionKind.MACAO: (("MOP", 60), ("HKD", 20), ("CNY", 20)),
    RegionKind.TAIWAN: (("USD", 60), ("CNY", 40)),
    RegionKind.OVERSEAS: (("USD", 100),),
}


@dataclass(slots=True)
class ListingPlan:
    holder: OrgSpec
    assets: list[Created]
    status: str = S.PUBLISHED

    @property
    def ip_type(self) -> str:
        return self.assets[0].ip_type


def _weighted(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    values = [value for value, _weight in options]
    return rng.choices(values, [weight for _value, weight in options])[0]


def plan_listings(created: dict[str, list[Created]], rng: random.Random) -> list[ListingPlan]:
    plans: list[ListingPlan] = []
    for holder in ORGANISATIONS:
        assets = created.get(holder.key, [])
        patents = [item for item in assets if item.ip_type == Asset.Type.PATENT]
        start = 0
        while start < len(patents):
            left = len(patents) - start
            size = 1
            if left >= 2 and rng.random() < PACKAGE_SHARE:
                size = rng.randint(2, min(5, left))
            plans.append(ListingPlan(holder, patents[start:start + size]))
            start += size
        plans += [ListingPlan(holder, [item]) for item in assets
                  if item.ip_type != Asset.Type.PATENT]
    _hold_back(plans, rng)
    return plans


def _hold_back(plans: list[ListingPlan], rng: random.Random) -> None:
    """Leave some patent listings as drafts and some awaiting review."""
    statuses = [S.DRAFT, S.SUBMITTED]
    statuses += [S.DRAFT] * (DRAFTS - 1) + [S.SUBMITTED] * (AWAITING_REVIEW - 1)
    patent_plans = [i for i, plan in enumerate(plans) if plan.ip_type == Asset.Type.PATENT]
    showcase = [i for i in patent_plans if plans[i].holder.key == SHOWCASE_HOLDER][:2]
    rest = [i for i in patent_plans if i not in showcase]
    chosen = showcase + rng.sample(rest, min(len(rest), len(statuses) - len(showcase)))
    for index, status in zip(chosen, statuses, strict=False):
        plans[index].status = status


def _round(amount: Decimal, currency: str) -> Decimal:
    step = Decimal(100) if currency == "USD" else Decimal(1000)
    rounded = (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(rounded, step).quantize(Decimal("0.01"))


def _in_currency(amount_cny: Decimal, currency: str) -> Decimal:
    return _round(amount_cny / INDICATIVE_CNY_RATES[currency], currency)


def _price(plan: ListingPlan, kinds: tuple[str, ...], currency: str,
           rng: random.Random) -> dict[str, Any]:
    first = plan.assets[0]
    band = _PRICE_BANDS.get(str(first.detail.get("kind") or first.ip_type))
    if band is None:  # GI products: terms are agreed case by case
        return {"price_type": PriceType.NEGOTIABLE}
    if O.AUCTION in kinds:
        price_type = PriceType.FIXED  # the starting price
    else:
        price_type = _weighted(rng, ((PriceType.FIXED, 40), (PriceType.RANGE, 25),
                                     (PriceType.NEGOTIABLE, 35)))
    low_cny = Decimal(rng.randint(*band) * 10_000)
    if len(plan.assets) > 1:
        low_cny *= Decimal(len(plan.assets)) * Decimal("0.8")  # a package sells at a discount
    if price_type == PriceType.NEGOTIABLE:
        return {"price_type": price_type}
    low = _in_currency(low_cny, currency)
    data: dict[str, Any] = {"price_type": price_type, "price_amount": low}
    if price_type == PriceType.RANGE:
        factor = Decimal(rng.choice(("1.5", "2", "3")))
        high = _round(low * factor, currency)
        data["price_max_amount"] = max(high, low + _round(Decimal(1), currency))
    return data


def _licence_terms(plan: ListingPlan, rng: random.Random) -> dict[str, Any]:
    if plan.ip_type == Asset.Type.GI:
        return {"licence_exclusivity": Exclusivity.NON_EXCLUSIVE, "licence_territory": "中国大陆",
                "licence_field": GI_FIELD}
    exclusivity = _weighted(rng, ((Exclusivity.EXCLUSIVE, 25), (Exclusivity.SOLE, 20),
                                  (Exclusivity.NON_EXCLUSIVE, 55)))
    return {
        "licence_exclusivity": exclusivity,
        "licence_territory": rng.choice(_TERRITORIES),
        "licence_field": _FIELDS.get(plan.assets[0].ipc_section, "不限领域"),
        "licence_term_months": rng.choice((12, 24, 36, 60, 120)),
    }


def _use_first_terms(currency: str, rng: random.Random) -> dict[str, Any]:
    terms: dict[str, Any] = {"trial_months": rng.choice((3, 6, 6, 12))}
    mode = rng.random()
    if mode < 0.75:
        terms["after_trial_royalty_percent"] = Decimal(rng.choice(ROYALTIES))
    if mode >= 0.5:
        fee_cny = Decimal(rng.randint(1, 20) * 5_000)
        terms["after_trial_fee_amount"] = _in_currency(fee_cny, currency)
    return terms


def _title(plan: ListingPlan) -> str:
    title = plan.assets[0].asset.title
    if len(plan.assets) == 1:
        return title[:200]
    suffix = f"等{len(plan.assets)}项专利组合"
    return title[:200 - len(suffix)] + suffix


def _description(plan: ListingPlan, kinds: tuple[str, ...]) -> str:
    lines = [f"权利人：{plan.holder.name}。"]
    if len(plan.assets) > 1:
        lines.append(f"本组合包含同一权利人的{len(plan.assets)}项专利，整体交易。")
    lines += [_OFFER_TEXTS[kind] for kind in kinds]
    return "\n".join(lines)


def listing_data(plan: ListingPlan, rng: random.Random) -> dict[str, Any]:
    """The listing form as the holder would fill it in for ``plan``."""
    if plan.ip_type == Asset.Type.PATENT:
        university = plan.holder.kind == Organisation.Kind.UNIVERSITY
        offers = _UNIVERSITY_OFFERS if university else _PATENT_OFFERS
        kinds: tuple[str, ...] = _weighted(rng, offers)
    else:
        kinds = rng.choice(_OTHER_OFFERS[plan.ip_type])
    currency = str(_weighted(rng, _CURRENCIES[RegionKind(plan.holder.region_kind)]))
    data: dict[str, Any] = {
        "title": _title(plan),
        "description": _description(plan, kinds),
        "offer_kinds": list(kinds),
        "currency": currency,
        "asset_ids": [item.asset.pk for item in plan.assets],
    }
    if O.LICENCE in kinds:
        data |= _licence_terms(plan, rng)
    if O.USE_FIRST in kinds:
        data |= _use_first_terms(currency, rng)
    data |= _price(plan, kinds, currency, rng)
    return data


def create_listings(plans: list[ListingPlan], admins: dict[str, User], operator: User,
                    rng: random.Random, step: Callable[[], object] = lambda: None) -> list[Skipped]:
    skipped: list[Skipped] = []
    for plan in plans:
        step()
        data = listing_data(plan, rng)
        admin = admins[plan.holder.key]
        try:
            # All steps or none: a listing refused on submission must not stay as a draft.
            with transaction.atomic():
                listing = listing_create(organisation_id=plan.assets[0].asset.holder_id,
                                         actor=admin, data=ListingInput.parse(data))
                if plan.status in (S.SUBMITTED, S.PUBLISHED):
                    listing_submit(listing_id=listing.pk, actor=admin)
                if plan.status == S.PUBLISHED:
                    listing_approve(listing_id=listing.pk, operator=operator)
        except ApplicationError as error:
            where = f"{plan.holder.key}: {data['title']}"
            skipped.append(Skipped("listing", where, describe(error)))
    return skipped
