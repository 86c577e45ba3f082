"""The acceptance scene of the statistics bulletin: the 2020 Greater Bay Area IP expo as its
organisers' bulletin reports it (``shared/seeds/expo-2020-report.*.txt``), and a 2019 edition
whose amounts follow from the growth rates published for 2020 (and nothing where the report
gives no growth).

Everything is entered as an operator would: the editions through the service, the records
as a CSV through the import (some in HKD, MOP and USD at their own rates, so conversion and
rounding to the fen are part of it), exhibitors and exhibits as registered. The bulletin must
then come out with the published figures; nothing here states a total the bulletin reads.

Published for 2020: IP transactions 18.67亿元, of which patents and trademarks 17.23亿元
(+15.97%) and copyright 1.44亿元 over 2,323 works; GI products 11.1亿元 (+23.20%) over 90
products; auctions 2970万元 (+17.39%): 9 patents sold for 1610万元, 17 trademarks for
1360万元, every lot offered sold, highest premium 30% (patents) and 35% (trademarks); pledge
financing 3.3亿元; intended agreements 128.5亿元 (+26.64%); 2,469 online exhibitors, 134 from
35 countries abroad and 41 from Hong Kong, Macao and Taiwan (the English release's 175
"overseas"), more than eight times the 300 exhibitors of the previous (offline) edition;
exhibits shown 1.7万: rights (4,949 patents, 5,727 trademarks, 334 GI products, 510
copyrights) and 5,486 products involving 1.25万 patents, 24,313 trademarks and 11,036
copyrights.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from ipx.accounts.models import Organisation
from ipx.accounts.regions import RegionKind
from ipx.expo.inputs import COLUMNS, EditionInput
from ipx.expo.models import Edition, Exhibit, Exhibitor, Origin
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import ImportReport, import_records

FEN = Decimal("0.01")
E2020 = "gba-ipx-2020"
E2019 = "gba-ipx-2019"
# Countries the 134 overseas exhibitors of 2020 came from (35).
COUNTRIES = ("US", "FR", "SG", "TH", "GB", "DE", "JP", "KR", "IT", "ES", "NL", "BE", "CH", "SE", "FI", "DK",
             "NO", "AT", "IE", "PT", "PL", "CZ", "HU", "RU", "IN", "MY", "ID", "VN", "PH", "AU", "NZ", "CA",
             "BR", "IL", "AE")


@dataclass(frozen=True)
class Foreign:
    """A record in another currency: its amount, currency and rate (the rest is in CNY)."""

    amount: str
    currency: str
    rate: str

    @property
    def cny(self) -> Decimal:
        return (Decimal(self.amount) * Decimal(self.rate)).quantize(FEN, rounding=ROUND_HALF_UP)


class Records:
    """Rows of the import file for one edition."""

    def __init__(self, edition: str, first_day: date, days: int) -> None:
        self.edition, self.first_day, self.days = edition, first_day, days
        self.rows: list[dict[str, str]] = []

    def add(self, kind: str, ip_type: str, amount: Decimal | str, *, currency: str = "CNY", rate: str = "",
            items: int = 1, start: str = "", sold: str = "") -> None:
        number = len(self.rows) + 1
        self.rows.append({
            "ref": f"{self.edition}-{number:04d}", "edition": self.edition,
            "date": (self.first_day + timedelta(days=number % self.days)).isoformat(), "kind": kind,
            "ip_type": ip_type, "amount": str(amount), "currency": currency, "fx_rate_to_cny": rate,
            "items": str(items), "start_price": start, "sold": sold,
            "evidence": f"Organising committee's register, entry {number}"})

    def spread(self, kind: str, ip_type: str, total: str, parts: int, *, foreign: tuple[Foreign, ...] = (),
               items: int = 0) -> None:
        """Records of ``kind`` adding up to ``total`` yuan: the foreign ones as given, the rest
        in CNY in ``parts`` records; ``items`` spread over all of them."""
        rest = Decimal(total) - sum((one.cny for one in foreign), Decimal(0))
        count = len(foreign) + parts
        shares = [items // count + (1 if index < items % count else 0) for index in range(count)] if items else []
        for index, one in enumerate(foreign):
            self.add(kind, ip_type, one.amount, currency=one.currency, rate=one.rate,
                     items=shares[index] if shares else 1)
        each = (rest / parts).quantize(FEN, rounding=ROUND_HALF_UP)
        for index in range(parts):
            amount = each if index < parts - 1 else rest - each * (parts - 1)
            self.add(kind, ip_type, amount, items=shares[len(foreign) + index] if shares else 1)

    def lots(self, ip_type: str, total: str, sold: int, *, top: tuple[str, str], unsold: int = 0) -> None:
        """``sold`` lots of ``ip_type`` sold for ``total`` yuan, one of them at the highest premium
        (``top``: start and hammer), the others about 10% over their start; ``unsold`` lots more."""
        start, hammer = top
        self.add("auction_lot", ip_type, hammer, start=start, sold="1")
        rest = Decimal(total) - Decimal(hammer)
        each = (rest / (sold - 1)).quantize(Decimal(1))
        for index in range(sold - 1):
            price = each if index < sold - 2 else rest - each * (sold - 2)
            self.add("auction_lot", ip_type, price.quantize(FEN), start=f"{(price / Decimal('1.1')).quantize(FEN)}",
                     sold="1")
        for _index in range(unsold):
            self.add("auction_lot", ip_type, "0", start="500000.00", sold="0")

    def csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue().encode()


def records_2020() -> Records:
    books = Records(E2020, date(2020, 11, 13), 7)
    books.spread("transaction", "patent", "1043000000.00", 40,
                 foreign=(Foreign("120000000.00", "HKD", "0.8472"), Foreign("3456789.01", "USD", "6.5432")))
    books.spread("transaction", "trademark", "680000000.00", 30, foreign=(Foreign("25000000.00", "MOP", "0.8231"),))
    books.spread("transaction", "copyright", "144000000.00", 23, foreign=(Foreign("1000000.00", "HKD", "0.8472"),),
                 items=2323)
    books.spread("gi_sale", "gi", "1110000000.00", 30, items=90)
    books.spread("intended", "patent", "9850000000.00", 5)
    books.spread("intended", "gi", "3000000000.00", 3, foreign=(Foreign("10000000.00", "HKD", "0.8472"),))
    books.lots("patent", "16100000", 9, top=("1000000.00", "1300000.00"))
    books.lots("trademark", "13600000", 17, top=("400000.00", "540000.00"))
    books.spread("pledge", "", "330000000.00", 12)
    return books


def records_2019() -> Records:
    """The amounts the 2020 growth rates were measured against; no copyright or pledge records,
    as the report gives those no growth (so the bulletin words none)."""
    books = Records(E2019, date(2019, 11, 15), 3)
    books.spread("transaction", "patent", "1000000000.00", 20)
    books.spread("transaction", "trademark", "485700000.00", 10)
    books.spread("gi_sale", "gi", "901000000.00", 10, items=70)
    books.spread("intended", "patent", "10147000000.00", 6)
    books.lots("patent", "13300000", 8, top=("1000000.00", "1250000.00"), unsold=2)
    books.lots("trademark", "12000000", 14, top=("500000.00", "600000.00"), unsold=1)
    return books


def _organisations(count: int) -> list[Organisation]:
    existing = list(Organisation.objects.filter(name__startswith="Expo exhibitor ").order_by("id")[:count])
    missing = count - len(existing)
    existing += Organisation.objects.bulk_create(
        Organisation(name=f"Expo exhibitor {len(existing) + index + 1}", kind=Organisation.Kind.ENTERPRISE,
                     region_kind=RegionKind.MAINLAND) for index in range(missing))
    return existing


def _exhibitors(edition: Edition, *, mainland: int, hk_macao_tw: int, overseas: int, online: bool) -> list[Exhibitor]:
    origins = [(Origin.MAINLAND, "")] * mainland + [(Origin.HK_MACAO_TW, "")] * hk_macao_tw + [
        (Origin.OVERSEAS, COUNTRIES[index % len(COUNTRIES)]) for index in range(overseas)]
    organisations = _organisations(len(origins))
    return Exhibitor.objects.bulk_create(
        Exhibitor(edition=edition, organisation=organisation, booth=f"B{index + 1:04d}", origin=origin,
                  country=country, online=online, on_site=not online)
        for index, (organisation, (origin, country)) in enumerate(zip(organisations, origins, strict=True)))


def _insert_exhibits(rows: list[tuple[int, int, str, str, str, int, int, int]]) -> None:
    """Exhibits as (edition, exhibitor, kind, IP type, title, patents, trademarks, copyrights),
    written in one statement a batch: the scene's 17,000 exhibits as model instances were most
    of its time, and nothing here needs an instance back. Names come from the model, values
    are parameters."""
    columns = ", ".join(connection.ops.quote_name(name) for name in (
        "edition_id", "exhibitor_id", "kind", "ip_type", "title", "patents", "trademarks", "copyrights"))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {connection.ops.quote_name(Exhibit._meta.db_table)} ({columns}) "  # noqa: S608
                           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)


def _exhibits(edition: Edition, exhibitors: list[Exhibitor], counts: dict[str, int]) -> None:
    rows = [(ip_type, number) for ip_type, count in counts.items() for number in range(count)]
    _insert_exhibits([(edition.pk, exhibitors[index % len(exhibitors)].pk, Exhibit.Kind.RIGHT.value, ip_type,
                       f"{ip_type} exhibit {number + 1}", 0, 0, 0) for index, (ip_type, number) in enumerate(rows)])


def product_rights(products: int, totals: dict[str, int], seed: int = 2020) -> list[dict[str, int]]:
    """The patents, trademarks and copyrights each of ``products`` involves, adding up to
    ``totals`` (field → sum): every product at least one right, most a few, a few many (the
    draws lean on a long tail, as a handful of flagship products carry dozens of rights)."""
    rng = random.Random(seed)
    fields = list(totals)
    rows = [dict.fromkeys(fields, 0) for _ in range(products)]
    left = dict(totals)
    for row in rows:  # one right each, of a type drawn by what is left
        field = rng.choices(fields, [left[name] for name in fields])[0]
        row[field] += 1
        left[field] -= 1
    weights = [rng.paretovariate(1.6) for _ in range(products)]
    for field in fields:
        for index, extra in Counter(rng.choices(range(products), weights, k=left[field])).items():
            rows[index][field] += extra
    return rows


def _products(edition: Edition, exhibitors: list[Exhibitor], products: int, totals: dict[str, int]) -> None:
    _insert_exhibits([(edition.pk, exhibitors[(index * 7) % len(exhibitors)].pk, Exhibit.Kind.PRODUCT.value, "",
                       f"IP product {index + 1}", rights["patents"], rights["trademarks"], rights["copyrights"])
                      for index, rights in enumerate(product_rights(products, totals))])


@dataclass(frozen=True)
class Scene:
    edition_2019: Edition
    edition_2020: Edition
    imported: tuple[ImportReport, ImportReport]


def published_expo() -> Scene:
    """Both editions with their records, exhibitors and exhibits. Call it inside the test's
    ``on_commit()`` block so the rollups follow the import as they do in production."""
    e2019 = edition_create(data=EditionInput(slug=E2019, name="2019 GBA IP Exchange Expo",
                                            start_date=date(2019, 11, 15),
                                            end_date=date(2019, 11, 17), organisers="Organising committee",
                                            online=False))
    e2020 = edition_create(data=EditionInput(slug=E2020, name="2020 GBA IP Exchange Expo",
                                            start_date=date(2020, 11, 13),
                                            end_date=date(2020, 11, 19), organisers="Organising committee"))
    # 2019 was held on site only with 300 exhibitors; 2020 online: 2,469 exhibitors.
    _exhibits(e2019, _exhibitors(e2019, mainland=280, hk_macao_tw=12, overseas=8, online=False),
              {"patent": 900, "trademark": 1100})
    exhibitors_2020 = _exhibitors(e2020, mainland=2469 - 41 - 134, hk_macao_tw=41, overseas=134, online=True)
    _exhibits(e2020, exhibitors_2020, {"patent": 4949, "trademark": 5727, "gi": 334, "copyright": 510})
    _products(e2020, exhibitors_2020, 5486, {"patents": 12500, "trademarks": 24313, "copyrights": 11036})
    reports = (import_records(records_2019().csv(), actor=None), import_records(records_2020().csv(), actor=None))
    return Scene(e2019, e2020, reports)
