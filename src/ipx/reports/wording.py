"""The bulletin's sentences in the reader's language, put the way the organisers' published
bulletins put them (the 2020 report: "本届知交会实现知识产权交易18.67亿元，其中专利和商标
交易金额共计17.23亿元，比去年增长15.97%……").

Each sentence is one translatable string (context "bulletin") with its figures as
placeholders, and the pieces that repeat (a growth clause, an IP type's lots, a list's
separator) are strings of their own, so a translation can order and join them as its language
does. A sentence whose figures are all nil is left out. Growth is worded where the published
bulletins word it, for patents and trademarks, GI sales, auctions, intended agreements (and
data IP, which they do not report yet), and only when the previous edition had the amount; the
growth of every amount is in the bulletin's tables and its growth chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import pgettext

from ipx.reports import amounts
from ipx.reports.figures import Bulletin, Figures

# The IP types in the order the published bulletins list them.
LISTED = ("patent", "trademark", "gi", "copyright", "data")


@dataclass(frozen=True)
class Sentence:
    # intended, exhibitors, exhibits, products, transactions, data, gi_sales, auctions, auction_rates, pledge
    topic: str
    text: str


@dataclass(frozen=True)
class Reading:
    """A span's figures with the growth of each amount (by the JSON's dotted key)."""

    figures: Figures
    yoy: Mapping[str, Decimal]
    edition: bool = True  # an edition's figures ("this expo"), or a span of days'
    previous_exhibitors: int | None = None  # the previous edition's, online or on site
    previous_offline: bool = False  # the previous edition was held on site only

    def auction_types(self) -> list[str]:
        by_type = self.figures.auctions.by_type
        return [ip_type for ip_type in LISTED if ip_type in by_type and by_type[ip_type].lots_sold > 0]

    def exhibit_types(self) -> list[str]:
        return [ip_type for ip_type in LISTED if self.figures.exhibits.get(ip_type, 0) > 0]


def type_name(ip_type: str) -> str:
    names = {
        "patent": pgettext("bulletin", "patent"),
        "trademark": pgettext("bulletin", "trademark"),
        "copyright": pgettext("bulletin", "copyright"),
        "gi": pgettext("bulletin", "geographical indication"),
        "data": pgettext("bulletin", "data IP"),
    }
    return names[ip_type]


def growth_clause(reading: Reading, key: str) -> str:
    """", an increase of 15.97% over last year", or nothing without a growth for ``key``."""
    rate = reading.yoy.get(key)
    if rate is None:
        return ""
    if rate < 0:
        return pgettext("bulletin", ", a decrease of %(rate)s from last year") % {
            "rate": amounts.growth_percent(rate)}
    return pgettext("bulletin", ", an increase of %(rate)s over last year") % {"rate": amounts.growth_percent(rate)}


def _transactions(reading: Reading) -> str | None:
    money = reading.figures.transactions
    if money.total_amount == 0:
        return None
    if reading.edition:
        sentence = pgettext(
            "bulletin",
            "This expo achieved %(total)s in intellectual property transactions, of which the total amount of "
            "patent and trademark transactions was %(patent_trademark)s%(patent_trademark_growth)s. Copyright "
            "transactions amounted to %(copyright)s, involving %(copyright_items)s copyrights.")
    else:
        sentence = pgettext(
            "bulletin",
            "Intellectual property transactions of %(total)s were concluded, of which the total amount of patent "
            "and trademark transactions was %(patent_trademark)s%(patent_trademark_growth)s. Copyright "
            "transactions amounted to %(copyright)s, involving %(copyright_items)s copyrights.")
    return sentence % {
        "total": amounts.amount(money.total_amount),
        "patent_trademark": amounts.amount(money.patent_trademark_amount),
        "patent_trademark_growth": growth_clause(reading, "transactions.patent_trademark_amount"),
        "copyright": amounts.amount(money.copyright_amount),
        "copyright_items": amounts.count(money.copyright_items),
    }


def _data(reading: Reading) -> str | None:
    if reading.figures.transactions.data_amount == 0:
        return None
    return pgettext("bulletin", "Data IP transactions amounted to %(amount)s%(growth)s.") % {
        "amount": amounts.amount(reading.figures.transactions.data_amount),
        "growth": growth_clause(reading, "transactions.data_amount"),
    }


def _gi_sales(reading: Reading) -> str | None:
    sales = reading.figures.gi_sales
    if sales.amount == 0:
        return None
    return pgettext(
        "bulletin",
        "Sales of geographical indication products reached %(amount)s%(growth)s, involving %(items)s "
        "geographical indication products.") % {
        "amount": amounts.amount(sales.amount),
        "growth": growth_clause(reading, "gi_sales.amount"),
        "items": amounts.count(sales.items),
    }


def _auctions(reading: Reading) -> str | None:
    auctions = reading.figures.auctions
    if auctions.lots_sold == 0:
        return None
    parts = []
    for index, ip_type in enumerate(reading.auction_types()):
        one = auctions.by_type[ip_type]
        values = {"type": type_name(ip_type), "lots": amounts.count(one.lots_sold),
                  "amount": amounts.amount(one.amount)}
        # The first type names the auction; Chinese leaves it understood for the ones after.
        if index == 0:
            parts.append(pgettext("bulletin", "%(type)s auctions sold %(lots)s lots for %(amount)s") % values)
        else:
            parts.append(pgettext("bulletin, later auction type",
                                  "%(type)s auctions sold %(lots)s lots for %(amount)s") % values)
    return pgettext("bulletin",
                    "Intellectual property auctions concluded %(amount)s%(growth)s, of which %(by_type)s.") % {
        "amount": amounts.amount(auctions.amount),
        "growth": growth_clause(reading, "auctions.amount"),
        "by_type": pgettext("bulletin", "; ").join(parts),
    }


def _auction_rates(reading: Reading) -> str | None:
    auctions = reading.figures.auctions
    success = auctions.success_rate
    if success is None:
        return None
    premiums = []
    for ip_type in reading.auction_types():
        rate = auctions.by_type[ip_type].max_premium_rate
        if rate is not None:
            premiums.append(pgettext("bulletin", "the highest premium rate of %(type)s auctions reached %(rate)s") % {
                "type": type_name(ip_type), "rate": amounts.percent(rate)})
    if not premiums:
        return pgettext("bulletin", "The auctions' success rate reached %(rate)s.") % {
            "rate": amounts.percent(success)}
    return pgettext("bulletin", "The auctions' success rate reached %(rate)s, %(premiums)s.") % {
        "rate": amounts.percent(success), "premiums": pgettext("bulletin", ", ").join(premiums)}


def _pledge(reading: Reading) -> str | None:
    if reading.figures.pledge.amount == 0:
        return None
    return pgettext("bulletin", "Intellectual property pledge financing of %(amount)s was achieved.") % {
        "amount": amounts.amount(reading.figures.pledge.amount)}


def _intended(reading: Reading) -> str | None:
    if reading.figures.intended.amount == 0:
        return None
    if reading.edition:
        sentence = pgettext("bulletin", "This expo facilitated intended intellectual property transactions of "
                                        "%(amount)s%(growth)s.")
    else:
        sentence = pgettext("bulletin", "Intended intellectual property transactions of %(amount)s were "
                                        "facilitated%(growth)s.")
    return sentence % {
        "amount": amounts.amount(reading.figures.intended.amount),
        "growth": growth_clause(reading, "intended.amount"),
    }


# How English writes a small number of times ("more than eight times"); larger ones in figures.
TIMES_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def times_previous(reading: Reading) -> int | None:
    """How many whole times the previous edition's exhibitors the online ones are, when that
    is at least twice (the published "8倍多", "more than eight times")."""
    previous = reading.previous_exhibitors
    online = reading.figures.exhibitors.online
    if not previous or online < 2 * previous:
        return None
    return online // previous


def _times(times: int) -> str:
    return amounts.count(times) if amounts.chinese() or times not in TIMES_WORDS else TIMES_WORDS[times]


def _exhibitors(reading: Reading) -> str | None:
    exhibitors = reading.figures.exhibitors
    if exhibitors.online == 0:
        return None
    values = {
        "online": amounts.count(exhibitors.online),
        "overseas": amounts.count(exhibitors.overseas),
        "countries": amounts.count(exhibitors.overseas_countries),
        "hk_macao_tw": amounts.count(exhibitors.hk_macao_tw),
    }
    times = times_previous(reading)
    if times is None:
        return pgettext(
            "bulletin",
            "The number of online exhibitors reached %(online)s, with %(overseas)s overseas exhibitors from "
            "%(countries)s countries and %(hk_macao_tw)s exhibitors from Hong Kong, Macao and Taiwan.") % values
    if reading.previous_offline:
        sentence = pgettext(
            "bulletin",
            "The number of online exhibitors reached %(online)s, which was more than %(times)s times the size of "
            "the exhibitors of the previous offline expo, with %(overseas)s overseas exhibitors from %(countries)s "
            "countries and %(hk_macao_tw)s exhibitors from Hong Kong, Macao and Taiwan.")
    else:
        sentence = pgettext(
            "bulletin",
            "The number of online exhibitors reached %(online)s, which was more than %(times)s times the size of "
            "the exhibitors of the previous expo, with %(overseas)s overseas exhibitors from %(countries)s "
            "countries and %(hk_macao_tw)s exhibitors from Hong Kong, Macao and Taiwan.")
    return sentence % {**values, "times": _times(times)}


def exhibit_count(ip_type: str, value: int, said: str | None = None) -> str:
    """"4949 patents", "334 GI products": each type with the measure word its language gives it
    (``said``: the count as worded, when not plainly)."""
    words = {
        "patent": pgettext("bulletin", "%(count)s patents"),
        "trademark": pgettext("bulletin", "%(count)s trademarks"),
        "gi": pgettext("bulletin", "%(count)s geographical indication products"),
        "copyright": pgettext("bulletin", "%(count)s copyrights"),
        "data": pgettext("bulletin", "%(count)s data IP products"),
    }
    return words[ip_type] % {"count": amounts.count(value) if said is None else said}


def _exhibits(reading: Reading) -> str | None:
    types = reading.exhibit_types()
    if not types:
        return None
    exhibits = reading.figures.exhibits
    listed = [exhibit_count(ip_type, exhibits[ip_type]) for ip_type in types]
    # The total counts the products too: the published 1.7万件 are 11,520 rights and 5,486 products.
    return pgettext("bulletin", "%(total)s intellectual property exhibits were displayed, of which %(by_type)s.") % {
        "total": amounts.large_count(reading.figures.exhibits_total),
        "by_type": pgettext("bulletin enumeration", ", ").join(listed),
    }


def _products(reading: Reading) -> str | None:
    products = reading.figures.products
    rights = [exhibit_count(ip_type, count, amounts.exact_count(count))
              for ip_type, count in products.rights().items() if count > 0]
    if not rights:
        return None
    return pgettext("bulletin", "%(products)s intellectual property products were displayed, involving "
                                "%(rights)s.") % {
        "products": amounts.count(products.count),
        "rights": pgettext("bulletin enumeration", ", ").join(rights),
    }


# In the order of the published bulletin's paragraphs.
SENTENCES: tuple[tuple[str, Callable[[Reading], str | None]], ...] = (
    ("intended", _intended),
    ("exhibitors", _exhibitors),
    ("exhibits", _exhibits),
    ("products", _products),
    ("transactions", _transactions),
    ("data", _data),
    ("gi_sales", _gi_sales),
    ("auctions", _auctions),
    ("auction_rates", _auction_rates),
    ("pledge", _pledge),
)


def reading(bulletin: Bulletin) -> Reading:
    return Reading(bulletin.figures, bulletin.yoy(), edition=bool(bulletin.edition),
                   previous_exhibitors=bulletin.previous_exhibitors, previous_offline=bulletin.previous_offline)


def sentences(bulletin: Bulletin, language: str | None = None) -> list[Sentence]:
    """The bulletin's sentences, in ``language`` (a language code) or the active one."""
    read = reading(bulletin)
    with translation.override(language or translation.get_language()):
        return [Sentence(topic, text) for topic, word in SENTENCES if (text := word(read)) is not None]


def title(bulletin: Bulletin, language: str | None = None) -> str:
    """The bulletin's title: the edition's name (or the span's days) and the total concluded."""
    with translation.override(language or translation.get_language()):
        total = amounts.amount(bulletin.figures.transactions.total_amount)
        if bulletin.edition_name:
            return pgettext("bulletin", "%(edition)s achieved intellectual property transactions of %(total)s") % {
                "edition": bulletin.edition_name, "total": total}
        return pgettext("bulletin", "Intellectual property transactions of %(total)s from %(since)s to %(until)s") % {
            "total": total, "since": bulletin.since.isoformat(), "until": bulletin.last_day.isoformat()}
