"""The contract PDF: read back with pypdf, in the parties' language or in two."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ipx.deals.contracts.pdf import (
    TEXT,
    contract_languages,
    deal_number,
    decode_languages,
    encode_languages,
    normalise_language,
)
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.deals.models import Deal
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def pdf_text(deal: Deal) -> str:
    with deal.contract_pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == deal.contract_sha256
    reader = PdfReader(io.BytesIO(data))
    # Table cells may wrap: compare without line breaks.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def prefer(member: Member, language: str) -> None:
    member.user.preferred_language = language
    member.user.save()


def test_chinese_contract_of_a_transfer(owner: Member, buyer: Member) -> None:
    prefer(owner, "zh-hans")
    prefer(buyer, "zh-hans")
    deal = make_deal(owner, buyer, price_amount=Decimal("1234567.89"))
    text = pdf_text(deal)
    assert "知识产权转让合同" in text
    assert "一、合同当事人" in text
    assert owner.organisation.name in text and buyer.organisation.name in text
    assert str(owner.organisation.uscc) in text
    assert "1,234,567.89 CNY" in text
    asset = deal.assets.get()
    assert asset.identifier in text and asset.title in text
    assert "全部价款" in text  # the one milestone's title, in the contract's language
    assert deal.milestones.get().title == "全部价款"
    assert "备案登记经平台核验后放款" in text
    assert "2.00%" in text
    # The number is the year the deal was made on the exchange's clock and the id.
    assert deal_number(deal) == f"IPX-{timezone.localtime(deal.created_at):%Y}-{deal.pk:06d}"
    assert deal_number(deal) in text
    assert "IP Rights Transfer Contract" not in text  # one language only


def test_bilingual_contract_when_the_languages_differ(owner: Member, buyer: Member) -> None:
    prefer(owner, "en")
    prefer(buyer, "zh-hant")
    deal = make_deal(owner, buyer, kind="licence", licence_exclusivity="sole", licence_territory="Hong Kong",
                     licence_term_months=24, trial_months=None, royalty_percent=Decimal("4.25"),
                     payment_structure="milestones",
                     milestones=[("Signing fee", "10000.00", "on_signing"), ("On recordal", "90000.00", "on_recordal")],
                     price_amount=Decimal("100000.00"), currency="HKD")
    assert deal.contract_language == "hant+en"
    text = pdf_text(deal)
    for heading in ("知識產權許可合同", "IP Licence Contract", "一、合同當事人", "1. The parties", "三、交易條款",
                    "3. Terms"):
        assert heading in text
    for term in ("排他許可", "Sole", "Hong Kong", "24個月", "24 months", "4.25%", "100,000.00 HKD", "10,000.00 HKD",
                 "90,000.00 HKD", "Signing fee", "雙方簽署後放款", "once both parties have signed", "分成比例",
                 "資金監管帳戶"):
        assert term in text, term
    for mainland in ("提成", "賬戶"):  # the Hong Kong forms of the zh-Hant interface, not these
        assert mainland not in text, mainland
    assert owner.organisation.name in text and buyer.organisation.name in text


def test_default_milestone_title_in_both_languages(owner: Member, buyer: Member) -> None:
    prefer(buyer, "zh-hans")
    deal = make_deal(owner, buyer, kind="use_first", trial_months=3, price_amount=Decimal("9000.00"))
    assert deal.milestones.get().title == "3个月免费试用期满后的使用费 / Fee after the 3-month free trial"


def test_intended_agreement_says_so(owner: Member, buyer: Member) -> None:
    text = pdf_text(make_deal(owner, buyer, commitment="intended"))
    assert "Intended agreement" in text
    assert "IP Rights Transfer Contract" in text


def test_language_codes() -> None:
    assert [normalise_language(code) for code in ("zh-hans", "zh-CN", "zh_TW", "zh-HK", "zh-hant", "fr", "", None)] \
        == ["zh-hans", "zh-hans", "zh-hant", "zh-hant", "zh-hant", "en", "en", "en"]
    assert contract_languages("en", "zh-hans") == ("zh-hans", "en")
    assert contract_languages("zh-hant", "zh-hans") == ("zh-hans", "zh-hant")
    assert contract_languages("en", "en") == ("en",)
    for languages in [("en",), ("zh-hant",), ("zh-hans", "en"), ("zh-hant", "en"), ("zh-hans", "zh-hant")]:
        stored = encode_languages(languages)
        assert len(stored) <= 10  # Deal.contract_language
        assert decode_languages(stored) == languages


def test_traditional_wording_uses_the_interfaces_hong_kong_forms() -> None:
    traditional = " ".join(wording["zh-hant"] for wording in TEXT.values())
    pairs = (("著作權", "版權"), ("賬戶", "帳戶"), ("提成", "分成"), ("獨占", "獨佔"), ("幣種", "貨幣"))
    for mainland, hong_kong in pairs:
        assert mainland not in traditional and hong_kong in traditional, (mainland, hong_kong)
