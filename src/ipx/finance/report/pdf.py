"""A signed-off valuation as a report a bank files with a loan: a PDF (WeasyPrint) in Simplified
Chinese, Traditional Chinese and English, every label and value in the three side by side and
every explaining paragraph once per language, as the contract PDF does for two.

What it holds: the requester and the appraiser, the purpose and the valuation date, the rights
(numbers, titles, legal term left), each approach with every input and its result (the income
approach's year-by-year table and its sensitivity table, recomputed from the inputs kept; the
cost approach; the market approach's comparables with their prices and adjustments, or the
plain statement that there were too few), the concluded value or range with the appraiser's
reasoning as written, who signed off and when, and the report's number and fingerprint
(``valuation_fingerprint``, a SHA-256 of the signed-off figures the valuation's page can show
beside it so that a reader can check a copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation
from ipx.core.errors import NotFound
from ipx.core.money import MINOR_UNITS, Money
from ipx.deals.contracts import resources
from ipx.deals.contracts.pdf import FONT_FAMILY, LANGUAGES, deal_number
from ipx.deals.models import Deal
from ipx.finance import valuation as approaches
from ipx.finance.models import Valuation
from ipx.finance.report.fingerprint import report_number, valuation_fingerprint
from ipx.finance.report.wording import text
from ipx.finance.services.valuations import legal_term_years

# The sensitivity table's rates: the appraiser's own ± these percentage points.
ROYALTY_STEPS = (Decimal(-1), Decimal(0), Decimal(1))
DISCOUNT_STEPS = (Decimal(-2), Decimal(0), Decimal(2))
DASH = "—"
NOT_SIGNED_OFF = _("A valuation has a report once the appraiser signs it off.")


def both(key: str, **values: object) -> str:
    """The wording in each language, once each (the two Chinese forms are often alike)."""
    return " / ".join(dict.fromkeys(text(key, language, **values) for language in LANGUAGES))


def each(key: str, **values: object) -> list[str]:
    """One paragraph per language."""
    return list(dict.fromkeys(text(key, language, **values) for language in LANGUAGES))


@dataclass
class Block:
    kind: Literal["rows", "table", "paragraphs"]
    rows: list[tuple[str, str]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    numeric: tuple[int, ...] = ()  # columns of figures: right-aligned, kept on one line
    lines: list[str] = field(default_factory=list)
    caption: str = ""


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


def _rows(*rows: tuple[str, str]) -> Block:
    return Block("rows", rows=list(rows))


def _table(headers: list[str], cells: list[list[str]], numeric: tuple[int, ...] = (), caption: str = "") -> Block:
    return Block("table", headers=headers, cells=cells, numeric=numeric, caption=caption)


def _paragraphs(lines: list[str]) -> Block:
    return Block("paragraphs", lines=lines)


def _amount(value: Decimal | str, currency: str) -> str:
    return f"{Decimal(value):,.{MINOR_UNITS.get(currency, 2)}f}"


def _money(value: Decimal | str | None, currency: str) -> str:
    return DASH if value is None else str(Money(Decimal(value), currency))


def _percent(value: Decimal | str) -> str:
    return f"{Decimal(value)}%"


def _joined(values: list[str]) -> str:
    return " / ".join(dict.fromkeys(value for value in values if value))


def _organisation(organisation: Organisation, role: str) -> list[tuple[str, str]]:
    regions = []
    for language in LANGUAGES:
        with translation.override(language):
            regions.append(organisation.region_label)
    return [(both(role), _joined([organisation.name, organisation.name_en])),
            (both("uscc"), organisation.uscc or DASH),
            (both("region"), _joined(regions) or DASH)]


def _assets_section(valuation: Valuation) -> Section:
    cells = []
    for asset in valuation.assets.select_related("patent", "trademark", "copyright", "gi_product").order_by("pk"):
        expiry = asset.expiry_date
        left = legal_term_years([asset], valuation.valuation_date)
        cells.append([both(f"type.{asset.ip_type}"), asset.identifier or DASH, _joined([asset.title, asset.title_en]),
                      f"{expiry:%Y-%m-%d}" if expiry else DASH, both("no_term") if left is None else str(left)])
    return Section(both("section.assets"), [_table(
        [both("asset.type"), both("asset.identifier"), both("asset.title"), both("asset.expiry"),
         both("asset.term_left")], cells, numeric=(3, 4))])


def _income_section(valuation: Valuation) -> Section:
    section = Section(both("section.income"))
    inputs = valuation.income_inputs
    if valuation.income_value is None or not inputs:
        section.blocks.append(_paragraphs(each("not_used")))
        return section
    currency = valuation.currency
    revenues = [Decimal(value) for value in inputs["revenues"]]
    term = None if inputs.get("legal_term_years") is None else Decimal(inputs["legal_term_years"])
    tax = Decimal(inputs["tax_percent"])
    result = approaches.income_value(revenues=revenues, royalty_percent=Decimal(inputs["royalty_percent"]),
                                     tax_percent=tax, discount_percent=Decimal(inputs["discount_percent"]),
                                     legal_term_years=term)
    section.blocks += [
        _paragraphs(each("income.explain")),
        _rows((both("royalty_rate"), _percent(result.royalty_percent)), (both("tax_rate"), _percent(tax)),
              (both("discount_rate"), _percent(result.discount_percent)),
              (both("asset.term_left"), both("no_term") if term is None else str(term)),
              (both("useful_life"), str(result.useful_life_years))),
    ]
    cells = [[str(row.year), _amount(row.revenue, currency), str(row.share), _amount(row.royalty, currency),
              _amount(row.after_tax, currency), str(row.discount_factor), _amount(row.present_value, currency)]
             for row in result.years]
    # Years past the useful life are shown with nothing counted, so every forecast figure is there.
    for year, revenue in enumerate(revenues[len(result.years):], start=len(result.years) + 1):
        cells.append([str(year), _amount(revenue, currency), "0", DASH, DASH, DASH, DASH])
    cells.append([both("total"), "", "", "", "", "", _amount(valuation.income_value, currency)])
    section.blocks.append(_table(
        [both("year"), f"{both('revenue')} ({currency})", both("share"), f"{both('royalty')} ({currency})",
         f"{both('after_tax')} ({currency})", both("factor"), f"{both('present_value')} ({currency})"],
        cells, numeric=(1, 2, 3, 4, 5, 6)))
    section.blocks.append(_rows((both("income.value"), _money(valuation.income_value, currency))))
    royalties = [result.royalty_percent + step for step in ROYALTY_STEPS if result.royalty_percent + step > 0]
    discounts = [result.discount_percent + step for step in DISCOUNT_STEPS if result.discount_percent + step > 0]
    grid = approaches.sensitivity(revenues=revenues, royalty_percents=royalties, tax_percent=tax,
                                  discount_percents=discounts, legal_term_years=term)
    section.blocks += [
        _paragraphs(each("sensitivity.explain")),
        _table([both("sensitivity.corner"), *(_percent(d) for d in discounts)],
               [[_percent(royalty), *(_amount(value, currency) for value in values)]
                for royalty, values in zip(royalties, grid, strict=True)],
               numeric=tuple(range(1, len(discounts) + 1)), caption=f"{both('sensitivity')} ({currency})"),
    ]
    return section


def _cost_section(valuation: Valuation) -> Section:
    section = Section(both("section.cost"))
    inputs = valuation.cost_inputs
    if valuation.cost_value is None or not inputs:
        section.blocks.append(_paragraphs(each("not_used")))
        return section
    result = approaches.cost_value(reproduction_cost=Decimal(inputs["reproduction_cost"]),
                                   functional_percent=Decimal(inputs["functional_percent"]),
                                   economic_percent=Decimal(inputs["economic_percent"]))
    currency = valuation.currency
    section.blocks += [_paragraphs(each("cost.explain")), _rows(
        (both("reproduction_cost"), _money(result.reproduction_cost, currency)),
        (both("functional"), f"{_percent(result.functional_percent)} = {_money(result.functional_loss, currency)}"),
        (both("economic"), f"{_percent(result.economic_percent)} = {_money(result.economic_loss, currency)}"),
        (both("cost.value"), _money(valuation.cost_value, currency)),
    )]
    return section


def _market_section(valuation: Valuation) -> Section:
    section = Section(both("section.market"))
    if "comparables" not in valuation.market_inputs:
        section.blocks.append(_paragraphs(each("not_used")))
        return section
    chosen = [approaches.Comparable(str(c["deal"]), Decimal(c["price"]), Decimal(c["adjustment_percent"]))
              for c in valuation.market_inputs["comparables"]]
    result = approaches.market_value(chosen)
    deals = Deal.objects.in_bulk([int(c.reference) for c in chosen if c.reference.isdigit()])
    currency = valuation.currency
    section.blocks.append(_paragraphs(each("market.explain")))
    if chosen:
        cells = []
        for comparable in chosen:
            deal = deals.get(int(comparable.reference)) if comparable.reference.isdigit() else None
            agreed = timezone.localtime(deal.created_at) if deal is not None else None
            cells.append([deal_number(deal) if deal is not None else f"#{comparable.reference}",
                          f"{agreed:%Y-%m-%d}" if agreed else DASH, _amount(comparable.price, currency),
                          f"{comparable.adjustment_percent:+}%", _amount(comparable.adjusted, currency)])
        section.blocks.append(_table(
            [both("comparable.deal"), both("comparable.date"), f"{both('comparable.price')} ({currency})",
             both("comparable.adjustment"), f"{both('comparable.adjusted')} ({currency})"],
            cells, numeric=(1, 2, 3, 4)))
    if result.value is None:
        section.blocks.append(_paragraphs(each("market.too_few", n=len(chosen), least=approaches.MIN_COMPARABLES)))
    else:
        section.blocks.append(_rows(
            (both("market.value"), _money(valuation.market_value, currency)),
            (both("market.range"), f"{_money(result.low, currency)} – {_money(result.high, currency)}")))
    return section


def _conclusion_section(valuation: Valuation) -> Section:
    currency = valuation.currency
    summary = []
    for approach, value, used in (
            ("income", valuation.income_value, bool(valuation.income_inputs)),
            ("cost", valuation.cost_value, bool(valuation.cost_inputs)),
            ("market", valuation.market_value, "comparables" in valuation.market_inputs)):
        if used:
            summary.append([both(f"approach.{approach}"), _money(value, currency) if value is not None
                            else both("no_value")])
    rows = [(both("concluded_value"), _money(valuation.concluded_value, currency))]
    if valuation.concluded_low is not None and valuation.concluded_high is not None:
        rows.append((both("concluded_range"), f"{_money(valuation.concluded_low, currency)} – "
                                              f"{_money(valuation.concluded_high, currency)}"))
    rows.append((both("reasoning"), valuation.reasoning or DASH))
    return Section(both("section.conclusion"), [_table([both("approach"), both("value")], summary, numeric=(1,)),
                                                _rows(*rows)])


def _sign_off_section(valuation: Valuation) -> Section:
    signer = valuation.signed_off_by
    assert signer is not None and valuation.signed_off_at is not None
    firm = _joined([valuation.appraiser.name, valuation.appraiser.name_en])
    return Section(both("section.sign_off"), [
        _rows((both("signed_by"), f"{signer.full_name} ({firm})"),
              (both("signed_at"), local_time(valuation)),
              (both("number"), report_number(valuation)),
              (both("fingerprint"), _grouped(valuation_fingerprint(valuation)))),
        _paragraphs(each("verify")),
    ])


def local_time(valuation: Valuation) -> str:
    """When the valuation was signed off, in the exchange's time zone with its offset."""
    assert valuation.signed_off_at is not None
    moment = timezone.localtime(valuation.signed_off_at)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"


def _grouped(digest: str) -> str:
    """A digest in groups of eight, so that it wraps between groups and reads aloud."""
    return " ".join(digest[start:start + 8] for start in range(0, len(digest), 8))


def report_sections(valuation: Valuation) -> list[Section]:
    """Every section of the report of a signed-off valuation."""
    approaches_used = [both(f"approach.{name}") for name, used in (
        ("income", valuation.income_value is not None), ("cost", valuation.cost_value is not None),
        ("market", "comparables" in valuation.market_inputs)) if used]
    return [
        Section(both("section.parties"), [_rows(*_organisation(valuation.requester, "requester"),
                                                *_organisation(valuation.appraiser, "appraiser"))]),
        Section(both("section.basis"), [_rows(
            (both("purpose"), valuation.purpose), (both("valuation_date"), f"{valuation.valuation_date:%Y-%m-%d}"),
            (both("currency"), valuation.currency), (both("approaches"), "\n".join(approaches_used)))]),
        _assets_section(valuation),
        _income_section(valuation),
        _cost_section(valuation),
        _market_section(valuation),
        _conclusion_section(valuation),
        _sign_off_section(valuation),
    ]


def valuation_report_pdf(valuation: Valuation) -> bytes:
    """The report of a signed-off valuation as PDF bytes; any other valuation has none."""
    from weasyprint import HTML  # heavy; loaded when a report is first made

    valuation = (Valuation.objects.select_related("requester", "appraiser", "signed_off_by")
                 .get(pk=valuation.pk))
    if valuation.status != Valuation.Status.SIGNED_OFF:
        raise NotFound(NOT_SIGNED_OFF)
    html = render_to_string("finance/report/document_pdf.html", {
        "title": both("title"),
        "meta": [(both("number"), report_number(valuation)),
                 (both("valuation_date"), f"{valuation.valuation_date:%Y-%m-%d}")],
        "number": report_number(valuation),
        "sections": report_sections(valuation),
        "font_family": FONT_FAMILY,
        "lang": LANGUAGES[0],
    })
    # Nothing but the exchange's own static files is fetched, as for the contract.
    return bytes(HTML(string=html, base_url=resources.base_url(), url_fetcher=resources.static_files_only)
                 .write_pdf())
