"""The statistics bulletin's part of the access world (``ipx.testing.access_world``): an
edition with a few records of each kind, imported as operators import them, so that its
bulletin page has sentences, charts and tables to show whoever asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ipx.accounts.models import User
from ipx.expo.inputs import EditionInput
from ipx.expo.models import Edition
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import import_records

SLUG = "bulletin-access-2001"
# Days no other edition of the tests' worlds holds (editions may not overlap).
FIRST_DAY, LAST_DAY = date(2001, 6, 1), date(2001, 6, 3)
RECORDS = (
    "ref,edition,date,kind,ip_type,amount,currency,fx_rate_to_cny,items,start_price,sold,evidence\n"
    f"ba-1,{SLUG},2001-06-01,transaction,patent,1250000.00,CNY,,1,,,Register entry 1\n"
    f"ba-2,{SLUG},2001-06-01,transaction,copyright,80000.00,HKD,0.9200,12,,,Register entry 2\n"
    f"ba-3,{SLUG},2001-06-02,gi_sale,gi,350000.00,CNY,,8,,,Register entry 3\n"
    f"ba-4,{SLUG},2001-06-02,intended,trademark,5000000.00,CNY,,1,,,Signing ceremony\n"
    f"ba-5,{SLUG},2001-06-02,auction_lot,patent,130000.00,CNY,,1,100000.00,1,Auction sheet 1\n"
    f"ba-6,{SLUG},2001-06-03,auction_lot,trademark,0,CNY,,1,50000.00,0,Auction sheet 2\n"
    f"ba-7,{SLUG},2001-06-03,pledge,,3000000.00,CNY,,1,,,Bank's letter\n"
).encode()


@dataclass(frozen=True)
class ReportsWorld:
    edition: Edition  # with one record of each kind, one auction lot sold and one not


def build_reports_world(*, operator: User) -> ReportsWorld:
    edition = edition_create(data=EditionInput(slug=SLUG, name="Bulletin access test expo 2001",
                                               start_date=FIRST_DAY, end_date=LAST_DAY,
                                               organisers="Organising committee"))
    report = import_records(RECORDS, actor=operator)
    assert not report.errors, report.errors
    return ReportsWorld(edition=edition)
