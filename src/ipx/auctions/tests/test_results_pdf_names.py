"""In the results PDF's page, the session's and the lots' titles in another language or script
than the reader's carry their ``lang`` (as the contract PDF's names do): WeasyPrint picks the
glyphs of Simplified or Traditional characters and the line breaking by it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.utils import translation

from ipx.auctions.results.exports import results_html
from ipx.auctions.results.selectors import LotResult, SessionResults, Summary

SESSION_TITLE = "湾区知识产权拍卖会 2026"
SIMPLIFIED = "一种锂电池隔膜的制备方法"
TRADITIONAL = "香港灣區專利組合"
ENGLISH = "Battery separator patent family"


def lot(number: int, title: str) -> LotResult:
    return LotResult(lot_id=number, number=number, title=title, offer_kind="transfer", ip_types=("patent",),
                     status="sold", currency="CNY", starting_price=Decimal("100000"),
                     hammer_price=Decimal("160000"), premium_rate=Decimal("0.6"), bids=2, bidders=2,
                     winner_number=1, closed_at=None)


def results() -> SessionResults:
    total = Summary(ip_type="", currency="CNY", lots_offered=3, lots_sold=3, lots_withdrawn=0,
                    success_rate=Decimal("1"), total_hammer=Decimal("480000"),
                    highest_premium_rate=Decimal("0.6"))
    return SessionResults(session_id=1, title=SESSION_TITLE, status="finished", currency="CNY",
                          starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                          lots=(lot(1, SIMPLIFIED), lot(2, TRADITIONAL), lot(3, ENGLISH)),
                          by_ip_type=(), total=total)


def test_titles_in_another_script_carry_their_language_in_a_simplified_export() -> None:
    with translation.override("zh-hans"):
        html = results_html(results())

    assert '<html lang="zh-hans">' in html
    assert f'<h1 dir="auto">{SESSION_TITLE}</h1>' in html  # the reader's own script
    assert f'<td><span dir="auto">{SIMPLIFIED}</span></td>' in html
    assert f'<td><span lang="zh-Hant" dir="auto">{TRADITIONAL}</span></td>' in html
    assert f'<td><span lang="en" dir="auto">{ENGLISH}</span></td>' in html


def test_chinese_titles_carry_their_language_in_an_english_export() -> None:
    with translation.override("en"):
        html = results_html(results())

    assert '<html lang="en">' in html
    assert f'<h1 lang="zh-Hans" dir="auto">{SESSION_TITLE}</h1>' in html
    assert f'<td><span lang="zh-Hans" dir="auto">{SIMPLIFIED}</span></td>' in html
    assert f'<td><span lang="zh-Hant" dir="auto">{TRADITIONAL}</span></td>' in html
    assert f'<td><span dir="auto">{ENGLISH}</span></td>' in html
    # The exchange's own words (statuses, offer kinds) are the page's and stay unmarked.
    assert '<span lang="en"' not in html
