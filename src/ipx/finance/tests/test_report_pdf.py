"""The valuation report: a signed-off valuation read back from its PDF in the three languages,
every approach's inputs and results as computed by hand, and who may have it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ipx.accounts.models import User
from ipx.core.errors import NotFound
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.models import Deal
from ipx.finance.models import Valuation
from ipx.finance.report import (
    report_number,
    valuation_fingerprint,
    valuation_report_of,
    valuation_report_pdf,
    valuation_report_response,
)
from ipx.finance.services import valuations as services
from ipx.finance.tests.test_loans_workflow import applied
from ipx.finance.tests.test_valuation_workflow import REVENUES, _concluded_deal, patent_of, requested
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # Lines and table cells wrap where they will: compare without any white space.
    return squeezed("".join(page.extract_text() for page in reader.pages))


def squeezed(value: str) -> str:
    return "".join(value.split())


def holds(text: str, *parts: str) -> None:
    for part in parts:
        assert squeezed(part) in text, part


def income_values() -> dict[str, object]:
    return {"revenues": REVENUES, "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"}


@pytest.fixture
def full(owner: Member, buyer: Member, outsider: Member, appraiser: Member, operator: User) -> Valuation:
    """Valued by all three approaches: income and cost, and the market on three comparables."""
    comparables = [_concluded_deal(buyer, outsider, operator, price) for price in ("100000", "200000", "150000")]
    valuation = requested(owner, appraiser)
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    services.valuation_record_income(actor=appraiser.user, valuation_id=valuation.pk, values=income_values())
    services.valuation_record_cost(actor=appraiser.user, valuation_id=valuation.pk, values={
        "reproduction_cost": "500000", "functional_percent": "20", "economic_percent": "10"})
    services.valuation_record_market(actor=appraiser.user, valuation_id=valuation.pk, adjustments={
        comparables[0].pk: "10", comparables[1].pk: "-5", comparables[2].pk: "0"})
    return services.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="150000",
                                       low="110725.02", high="360000", reasoning="以收益法为主，成本法为上限。")


def test_the_report_holds_every_approach_in_three_languages(full: Valuation, owner: Member,
                                                            appraiser: Member) -> None:
    text = pdf_text(valuation_report_pdf(full))
    holds(text, "知识产权价值评估报告", "知識產權價值評估報告", "IP Valuation Report", "四、收益法（许可费节省法）",
          "四、收益法（許可費節省法）", "4. Income approach (relief from royalty)", "六、市场法", "六、市場法",
          "6. Market approach", "八、签署与核验", "八、簽署與核驗", "8. Sign-off and verification")
    # Paragraphs come once per language.
    holds(text, "以重置成本扣除功能性贬值和经济性贬值", "以重置成本扣除功能性貶值和經濟性貶值",
          "The cost of reproducing the rights")
    asset = full.assets.get()
    holds(text, owner.organisation.name, appraiser.organisation.name, str(owner.organisation.uscc),
          "广东 · 深圳 / 廣東 · 深圳 / Guangdong · 深圳", asset.identifier, asset.title, "质押融资",
          f"{full.valuation_date:%Y-%m-%d}")
    # Relief from royalty at 5 %, tax 25 %, discount 10 %, by hand:
    # 1,000,000 × 5 % = 50,000 → 37,500 after tax × 1/1.1 (0.909091) = 34,090.91
    # 1,200,000 × 5 % = 60,000 → 45,000 × 1/1.21 (0.826446) = 37,190.08
    # 1,400,000 × 5 % = 70,000 → 52,500 × 1/1.331 (0.751315) = 39,444.03; together 110,725.02.
    holds(text, "1,000,000.00", "50,000.00", "37,500.00", "0.909091", "34,090.91", "60,000.00", "45,000.00",
          "0.826446", "37,190.08", "52,500.00", "0.751315", "39,444.03", "110,725.02 CNY")
    holds(text, "许可费率 / 許可費率 / Royalty rate 5%", "所得税率 / 所得稅率 / Tax rate 25%",
          "折现率 / 折現率 / Discount rate 10%")
    # Sensitivity: at 6 % royalty and 8 % discount the after-tax savings are 45,000, 54,000 and
    # 63,000: 41,666.667 + 46,296.296 + 50,011.431 = 137,974.39; at 4 % and 12 %: 30,000,
    # 36,000, 42,000: 26,785.714 + 28,698.980 + 29,894.770 = 85,379.46.
    holds(text, "8% 10% 12%", "137,974.39", "85,379.46")
    # Cost: 500,000 less 20 % (100,000) less 10 % of the 400,000 left (40,000) = 360,000.
    holds(text, "500,000.00 CNY", "20% = 100,000.00 CNY", "10% = 40,000.00 CNY", "360,000.00 CNY")
    # Market: 100,000 +10 % = 110,000; 200,000 −5 % = 190,000; 150,000 ±0 = 150,000; mean 150,000.
    for comparable, adjustment, adjusted in zip(full.market_inputs["comparables"], ("+10%", "-5%", "+0%"),
                                                ("110,000.00", "190,000.00", "150,000.00"), strict=True):
        deal = Deal.objects.get(pk=comparable["deal"])
        # The report dates a deal on the exchange's clock, not UTC (they differ after 16:00 UTC).
        agreed = timezone.localtime(deal.created_at)
        holds(text, f"{deal_number(deal)} {agreed:%Y-%m-%d} {deal.price_amount:,} {adjustment} {adjusted}")
    holds(text, "150,000.00 CNY", "110,000.00 CNY – 190,000.00 CNY")
    # The conclusion, the reasoning as written, who signed off and the fingerprint to check by.
    holds(text, "110,725.02 CNY – 360,000.00 CNY", "以收益法为主，成本法为上限。", appraiser.user.full_name,
          report_number(full), valuation_fingerprint(full))


def test_too_few_comparables_is_said_plainly_and_the_legal_term_caps_the_years(
        owner: Member, appraiser: Member) -> None:
    # The patent's 20 years run out about 1.5 years after the valuation date.
    filed = timezone.localdate() - timedelta(days=round(365.25 * 18.5))
    valuation = requested(owner, appraiser, patent_of(owner, filed=filed))
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    services.valuation_record_income(actor=appraiser.user, valuation_id=valuation.pk, values=income_values())
    services.valuation_record_market(actor=appraiser.user, valuation_id=valuation.pk, adjustments={})
    # What the appraiser wrote is printed as text: markup in it is neither obeyed nor fetched.
    signed = services.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="60000",
                                         reasoning='Income only. <img src="http://169.254.169.254/x">')
    text = pdf_text(valuation_report_pdf(signed))
    holds(text, "可比成交案例仅0个，少于市场法所需的3个，市场法不形成评估值。",
          "可比成交案例僅0個，少於市場法所需的3個，市場法不形成評估值。",
          "Only 0 comparable concluded deals were found; the market approach needs at least 3, so it gives no value.",
          "本次评估未采用此方法。", "This approach was not used.")  # the cost approach
    term = signed.income_inputs["legal_term_years"]
    holds(text, f"剩余法定保护期（年） / 剩餘法定保護期（年） / Legal term left (years) {term}",
          f"收益期（年） / Useful life (years) {term}")
    # The third forecast year lies past the term: shown, with nothing counted.
    holds(text, "3 1,400,000.00 0 — — — —", "60,000.00 CNY")
    holds(text, 'Income only. <img src="http://169.254.169.254/x">')


def test_only_a_signed_off_valuation_has_a_report_and_only_those_concerned_read_it(
        owner: Member, buyer: Member, banker: Member, appraiser: Member, operator: User,
        valued: Valuation) -> None:
    pending = requested(owner, appraiser)
    services.valuation_accept(actor=appraiser.user, valuation_id=pending.pk)
    with pytest.raises(NotFound) as refused:
        valuation_report_pdf(pending)
    assert "signs it off" in refused.value.message
    with pytest.raises(NotFound) as refused:
        valuation_report_of(owner.user, pending.pk)
    assert "signs it off" in refused.value.message
    with pytest.raises(NotFound) as refused:  # not concerned: the valuation does not exist for them
        valuation_report_of(buyer.user, pending.pk)
    assert "No such valuation" in refused.value.message
    for reader in (owner.user, appraiser.user, operator):
        assert valuation_report_of(reader, valued.pk) == valued
    for stranger in (buyer.user, banker.user):
        with pytest.raises(NotFound):
            valuation_report_of(stranger, valued.pk)
    applied(owner, banker, valued)  # a bank the valuation is put to reads it
    assert valuation_report_of(banker.user, valued.pk) == valued
    for nothing in (0, -1, 2**63, valued.pk + 1000):
        with pytest.raises(NotFound):
            valuation_report_of(operator, nothing)


def test_the_fingerprint_follows_the_figures(valued: Valuation) -> None:
    before = valuation_fingerprint(valued)
    assert before == valuation_fingerprint(Valuation.objects.get(pk=valued.pk))  # stored and reread alike
    Valuation.objects.filter(pk=valued.pk).update(concluded_value="1000000.01")
    assert valuation_fingerprint(Valuation.objects.get(pk=valued.pk)) != before


def test_the_download_is_private_and_named_by_the_reports_number(owner: Member, buyer: Member,
                                                                   valued: Valuation) -> None:
    response = valuation_report_response(owner.user, valued.pk)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{report_number(valued)}.pdf"'
    assert (response["Cache-Control"], response["X-Content-Type-Options"]) == ("private, no-store", "nosniff")
    holds(pdf_text(response.content), report_number(valued), "1,000,000.00 CNY")
    with pytest.raises(NotFound):
        valuation_report_response(buyer.user, valued.pk)
