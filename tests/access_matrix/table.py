"""The expectations table: every row of every area, in one list."""

from __future__ import annotations

from . import (
    expect_api_auctions,
    expect_api_catalog,
    expect_api_dataip,
    expect_api_deals,
    expect_api_expo,
    expect_api_finance,
    expect_api_insurance,
    expect_api_members,
    expect_api_money,
    expect_api_reports,
    expect_api_securitisation,
    expect_pages_auctions,
    expect_pages_catalog,
    expect_pages_dataip,
    expect_pages_deals,
    expect_pages_expo,
    expect_pages_finance,
    expect_pages_insurance,
    expect_pages_members,
    expect_pages_money,
    expect_pages_reports,
    expect_pages_securitisation,
)
from .matrix import Entry

API: list[Entry] = [
    *expect_api_members.ENTRIES,
    *expect_api_catalog.ENTRIES,
    *expect_api_deals.ENTRIES,
    *expect_api_money.ENTRIES,
    *expect_api_auctions.ENTRIES,
    *expect_api_finance.ENTRIES,
    *expect_api_insurance.ENTRIES,
    *expect_api_securitisation.ENTRIES,
    *expect_api_dataip.ENTRIES,
    *expect_api_expo.ENTRIES,
    *expect_api_reports.ENTRIES,
]
PAGES: list[Entry] = [
    *expect_pages_members.ENTRIES,
    *expect_pages_catalog.ENTRIES,
    *expect_pages_deals.ENTRIES,
    *expect_pages_money.ENTRIES,
    *expect_pages_auctions.ENTRIES,
    *expect_pages_finance.ENTRIES,
    *expect_pages_insurance.ENTRIES,
    *expect_pages_securitisation.ENTRIES,
    *expect_pages_dataip.ENTRIES,
    *expect_pages_expo.ENTRIES,
    *expect_pages_reports.ENTRIES,
]
TABLE: list[Entry] = [*API, *PAGES]
