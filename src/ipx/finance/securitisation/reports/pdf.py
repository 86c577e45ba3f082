"""A period's investor report as a PDF (WeasyPrint): every label in Simplified Chinese,
Traditional Chinese and English side by side, as the valuation report prints them, so that one
file serves every investor and reads the same whatever catalog a server runs."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from ipx.core.money import MINOR_UNITS
from ipx.deals.contracts import resources
from ipx.deals.contracts.pdf import FONT_FAMILY
from ipx.finance.report.pdf import Block, Section
from ipx.finance.securitisation.reports.figures import PeriodFigures
from ipx.finance.securitisation.reports.wording import LANGUAGES, both, text

DASH = "—"


def amount(value: Decimal, currency: str) -> str:
    return f"{value:,.{MINOR_UNITS.get(currency, 2)}f}"


def ratio(value: Decimal | None) -> str:
    return DASH if value is None else f"{value:.4f}"


def report_number(figures: PeriodFigures) -> str:
    """The number printed on the report: the product's id and the period's."""
    return f"IPX-ABS-{figures.product.pk:06d}-{figures.period.number:03d}"


def account_label(name: str, language: str | None = None) -> str:
    """A deal account's name in words (fees and tranches keep their own names)."""
    key = {"collections": "pool.collected", "reserve": "reserve", "guarantor": "guarantor",
           "tax": "action.pay_tax", "residual": "action.pay_residual"}.get(name)
    if key is None:
        return name
    return both(key) if language is None else text(key, language)


def _rows(*rows: tuple[str, str]) -> Block:
    return Block("rows", rows=list(rows))


def _pool(f: PeriodFigures) -> Section:
    c = f.currency
    return Section(both("section.pool"), [
        _rows((both("pool.before"), amount(f.pool_before, c)), (both("pool.scheduled"), amount(f.scheduled, c)),
              (both("pool.collected"), amount(f.collected, c)), (both("pool.after"), amount(f.pool_after, c))),
        Block("table", headers=[both("status"), both("count"), f"{both('outstanding')} ({c})"],
              cells=[[both(f"status.{line.status}"), str(line.count), amount(line.outstanding, c)]
                     for line in f.statuses], numeric=(1, 2), caption=both("pool.receivables")),
    ])


def _tranches(f: PeriodFigures) -> Section:
    c = f.currency
    headers = [both("tranche"), both("seniority"), both("coupon"), *(f"{both(key)} ({c})" for key in (
        "balance.before", "interest.paid", "principal.paid", "balance.after", "interest.shortfall"))]
    cells = [[line.name, both(f"seniority.{line.seniority}"), f"{line.coupon_percent.normalize():f}%",
              amount(line.before, c), amount(line.interest, c), amount(line.principal, c), amount(line.after, c),
              amount(line.interest_unpaid, c)] for line in f.tranches]
    return Section(both("section.tranches"), [Block("table", headers=headers, cells=cells,
                                                    numeric=(2, 3, 4, 5, 6, 7))])


def _payments(f: PeriodFigures) -> Section:
    c = f.currency
    cells = [[str(p.position), both(f"action.{p.action}"), account_label(p.source), account_label(p.target),
              amount(p.amount, c)] for p in f.payments]
    out = sum((p.amount for p in f.payments if p.action not in ("draw_reserve", "draw_guarantor", "transfer")),
              Decimal(0))
    return Section(both("section.payments"), [
        Block("table", headers=[both("step"), both("action"), both("source"), both("target"),
                                f"{both('amount')} ({c})"], cells=cells, numeric=(0, 4)),
        _rows((both("total.in"), amount(f.cash_in, c)), (both("total.out"), amount(out, c))),
    ])


def _triggers(f: PeriodFigures) -> Section:
    c = f.currency
    cells = [[t.name, both(f"metric.{t.metric}"), ratio(t.threshold), ratio(t.value),
              both(f"consequence.{t.action}"), both("yes" if t.breached else "no")] for t in f.triggers]
    blocks = []
    if cells:
        blocks.append(Block("table", headers=[both("trigger"), both("metric"), both("threshold"), both("value"),
                                              both("consequence"), both("breached")], cells=cells,
                            numeric=(2, 3)))
    blocks.append(_rows((both("pay_mode"), both(f"pay_mode.{f.pay_mode}")),
                        (both("reserve"), amount(f.reserve_after, c)),
                        (both("guarantor_paid"), amount(f.guarantor_paid, c))))
    blocks.append(Block("paragraphs", lines=list(dict.fromkeys(text("explain", lang) for lang in LANGUAGES))))
    return Section(both("section.triggers"), blocks)


def investor_report_pdf(figures: PeriodFigures) -> bytes:
    from weasyprint import HTML  # heavy; loaded when a report is first made

    product, period = figures.product, figures.period
    parties = [(both("originator"), product.originator.name), (both("trustee"), product.trustee.name)]
    if product.guarantor is not None:
        parties.append((both("guarantor"), product.guarantor.name))
    html = render_to_string("finance/report/document_pdf.html", {
        "landscape": True,
        "title": both("title"),
        "meta": [(both("deal"), product.name), (both("period"), both("period_no", n=period.number)),
                 (both("run_at"), f"{figures.ran_on:%Y-%m-%d}" if figures.ran_on else DASH),
                 (both("currency"), figures.currency)],
        "number": report_number(figures),
        "sections": [Section(both("deal"), [_rows(*parties)]), _pool(figures), _tranches(figures),
                     _payments(figures), _triggers(figures)],
        "font_family": FONT_FAMILY,
        "lang": LANGUAGES[0],
    })
    return bytes(HTML(string=html, base_url=resources.base_url(), url_fetcher=resources.static_files_only)
                 .write_pdf())
