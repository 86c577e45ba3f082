"""The contract as a PDF (WeasyPrint), in the parties' language or in two.

The contract's fixed wording is kept here in each of the three languages rather than in the
gettext catalogs (the Traditional wording in the Hong Kong forms the zh-Hant interface uses:
版權, 帳戶, 分成): it is the text the parties sign (its SHA-256 is recorded with every
signature), so it must read the same whatever catalog a server happens to run, and a
Chinese contract must be Chinese even where a translation is missing. The web pages and
notifications about a deal use gettext as usual.

When the buyer's and the seller's languages differ the contract is bilingual: every heading,
label, value and clause appears in both languages, Chinese first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from ipx.accounts.models import Organisation
from ipx.core.money import Money
from ipx.core.text_language import marked_in
from ipx.deals.contracts import resources
from ipx.deals.models import Commitment, Deal, DealKind

# Supported contract languages, in the order a bilingual contract shows them.
LANGUAGES = ("zh-hans", "zh-hant", "en")
FONT_FAMILY = '"WenQuanYi Micro Hei", sans-serif'

# Deal.contract_language holds at most 10 characters: one language is stored as its code
# ("zh-hant"); two are stored as short tags joined by "+" ("hans+en", "hans+hant").
_SHORT = {"zh-hans": "hans", "zh-hant": "hant", "en": "en"}
_LONG = {short: code for code, short in _SHORT.items()}


def deal_number(deal: Deal) -> str:
    """The number printed on the contract and shown on pages: year made and id."""
    created = timezone.localtime(deal.created_at) if deal.created_at else timezone.localtime()
    return f"IPX-{created:%Y}-{deal.pk:06d}"


def normalise_language(code: str | None) -> str:
    """One of LANGUAGES for any language code a user may have (zh-CN → zh-hans, zh-HK → zh-hant)."""
    value = (code or "").strip().lower().replace("_", "-")
    if value in LANGUAGES:
        return value
    if value.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
        return "zh-hant"
    if value.startswith("zh"):
        return "zh-hans"
    return "en"


def contract_languages(*codes: str | None) -> tuple[str, ...]:
    """The languages of a contract between people preferring ``codes``: each once, in LANGUAGES order."""
    wanted = {normalise_language(code) for code in codes} or {"en"}
    return tuple(code for code in LANGUAGES if code in wanted)


def encode_languages(languages: tuple[str, ...]) -> str:
    if len(languages) == 1:
        return languages[0]
    return "+".join(_SHORT[code] for code in languages)


def decode_languages(value: str) -> tuple[str, ...]:
    if "+" not in value:
        return (normalise_language(value),)
    return tuple(_LONG.get(part, normalise_language(part)) for part in value.split("+"))


# --- The contract's wording ----------------------------------------------------------------

TEXT: dict[str, dict[str, str]] = {
    "title.transfer": {"zh-hans": "知识产权转让合同", "zh-hant": "知識產權轉讓合同",
                       "en": "IP Rights Transfer Contract"},
    "title.licence": {"zh-hans": "知识产权许可合同", "zh-hant": "知識產權許可合同",
                      "en": "IP Licence Contract"},
    "title.use_first": {"zh-hans": "知识产权许可合同（先用后付）", "zh-hant": "知識產權許可合同（先用後付）",
                        "en": "IP Licence Contract (Use First, Pay Later)"},
    "intended": {"zh-hans": "意向协议：双方确认交易意向，本文件不构成正式成交合同，不发生付款。",
                 "zh-hant": "意向協議：雙方確認交易意向，本文件不構成正式成交合同，不發生付款。",
                 "en": "Intended agreement: the parties record their intention to deal. This document is not a "
                       "concluded contract and no money is paid under it."},
    "deal_number": {"zh-hans": "交易编号", "zh-hant": "交易編號", "en": "Deal number"},
    "date": {"zh-hans": "日期", "zh-hant": "日期", "en": "Date"},
    "section.parties": {"zh-hans": "一、合同当事人", "zh-hant": "一、合同當事人", "en": "1. The parties"},
    "seller.transfer": {"zh-hans": "转让方（卖方）", "zh-hant": "轉讓方（賣方）", "en": "Assignor (seller)"},
    "buyer.transfer": {"zh-hans": "受让方（买方）", "zh-hant": "受讓方（買方）", "en": "Assignee (buyer)"},
    "seller.licence": {"zh-hans": "许可方（卖方）", "zh-hant": "許可方（賣方）", "en": "Licensor (seller)"},
    "buyer.licence": {"zh-hans": "被许可方（买方）", "zh-hant": "被許可方（買方）", "en": "Licensee (buyer)"},
    "name": {"zh-hans": "名称", "zh-hant": "名稱", "en": "Name"},
    "uscc": {"zh-hans": "统一社会信用代码", "zh-hant": "統一社會信用代碼", "en": "Unified Social Credit Code"},
    "region": {"zh-hans": "所在地区", "zh-hant": "所在地區", "en": "Region"},
    "section.assets": {"zh-hans": "二、标的知识产权", "zh-hant": "二、標的知識產權", "en": "2. The IP rights"},
    "asset.type": {"zh-hans": "类型", "zh-hant": "類型", "en": "Type"},
    "asset.identifier": {"zh-hans": "号码", "zh-hant": "號碼", "en": "Number"},
    "asset.title": {"zh-hans": "名称", "zh-hant": "名稱", "en": "Title"},
    "type.patent": {"zh-hans": "专利", "zh-hant": "專利", "en": "Patent"},
    "type.trademark": {"zh-hans": "商标", "zh-hant": "商標", "en": "Trademark"},
    "type.copyright": {"zh-hans": "著作权", "zh-hant": "版權", "en": "Copyright"},
    "type.gi": {"zh-hans": "地理标志产品", "zh-hant": "地理標誌產品", "en": "Geographical-indication product"},
    "type.data": {"zh-hans": "数据知识产权", "zh-hant": "數據知識產權", "en": "Data IP"},
    "section.terms": {"zh-hans": "三、交易条款", "zh-hant": "三、交易條款", "en": "3. Terms"},
    "kind": {"zh-hans": "交易方式", "zh-hant": "交易方式", "en": "Kind of deal"},
    "kind.transfer": {"zh-hans": "转让", "zh-hant": "轉讓", "en": "Transfer (assignment)"},
    "kind.licence": {"zh-hans": "许可", "zh-hant": "許可", "en": "Licence"},
    "kind.use_first": {"zh-hans": "先用后付", "zh-hant": "先用後付", "en": "Use first, pay later"},
    "price": {"zh-hans": "价款", "zh-hant": "價款", "en": "Price"},
    "currency": {"zh-hans": "币种", "zh-hant": "貨幣", "en": "Currency"},
    "payment": {"zh-hans": "支付方式", "zh-hant": "支付方式", "en": "Payment"},
    "payment.lump_sum": {"zh-hans": "一次性支付", "zh-hant": "一次性支付", "en": "Lump sum"},
    "payment.royalty": {"zh-hans": "提成支付", "zh-hant": "分成支付", "en": "Running royalty"},
    "payment.milestones": {"zh-hans": "分期支付", "zh-hant": "分期支付", "en": "Milestones"},
    "royalty": {"zh-hans": "提成比例", "zh-hant": "分成比例", "en": "Running royalty"},
    "exclusivity": {"zh-hans": "许可类型", "zh-hant": "許可類型", "en": "Licence exclusivity"},
    "exclusivity.exclusive": {"zh-hans": "独占许可", "zh-hant": "獨佔許可", "en": "Exclusive"},
    "exclusivity.sole": {"zh-hans": "排他许可", "zh-hant": "排他許可", "en": "Sole"},
    "exclusivity.non_exclusive": {"zh-hans": "普通许可", "zh-hant": "普通許可", "en": "Non-exclusive"},
    "territory": {"zh-hans": "许可地域范围", "zh-hant": "許可地域範圍", "en": "Territory"},
    "field": {"zh-hans": "许可使用领域", "zh-hant": "許可使用領域", "en": "Field of use"},
    "term": {"zh-hans": "许可期限", "zh-hant": "許可期限", "en": "Licence term"},
    "trial": {"zh-hans": "免费试用期", "zh-hant": "免費試用期", "en": "Free trial"},
    "months": {"zh-hans": "{n}个月", "zh-hant": "{n}個月", "en": "{n} months"},
    "notes": {"zh-hans": "其他约定", "zh-hant": "其他約定", "en": "Other terms"},
    "section.payment": {"zh-hans": "四、付款与资金监管", "zh-hant": "四、付款與資金監管",
                        "en": "4. Payment and escrow"},
    "escrow": {"zh-hans": "买方将各期款项支付至交易平台的资金监管账户；款项在下列放款条件成就后支付给卖方。"
                          "合同解除的，监管中尚未放款的款项全额退还买方。",
               "zh-hant": "買方將各期款項支付至交易平台的資金監管帳戶；款項在下列放款條件成就後支付給賣方。"
                          "合同解除的，監管中尚未放款的款項全額退還買方。",
               "en": "The buyer pays each milestone into escrow held by the exchange; it is paid to the seller "
                     "once its release condition below is met. If the contract is cancelled, whatever is still "
                     "held is returned to the buyer in full."},
    "milestone.position": {"zh-hans": "序号", "zh-hant": "序號", "en": "No."},
    "milestone.title": {"zh-hans": "付款节点", "zh-hant": "付款節點", "en": "Milestone"},
    "milestone.amount": {"zh-hans": "金额", "zh-hant": "金額", "en": "Amount"},
    "milestone.condition": {"zh-hans": "放款条件", "zh-hant": "放款條件", "en": "Released"},
    "condition.on_signing": {"zh-hans": "双方签署后放款", "zh-hant": "雙方簽署後放款",
                             "en": "once both parties have signed"},
    "condition.on_recordal": {"zh-hans": "备案登记经平台核验后放款", "zh-hant": "備案登記經平台核驗後放款",
                              "en": "once the recordal with the register is checked"},
    "fee": {"zh-hans": "平台服务费", "zh-hant": "平台服務費", "en": "Platform fee"},
    "fee.text": {"zh-hans": "每次放款金额的{percent}%，由卖方承担，从放款中扣除",
                 "zh-hant": "每次放款金額的{percent}%，由賣方承擔，從放款中扣除",
                 "en": "{percent}% of each amount released, borne by the seller and deducted from it"},
    "section.recordal": {"zh-hans": "五、备案登记", "zh-hant": "五、備案登記", "en": "5. Recordal"},
    "recordal.transfer": {"zh-hans": ("双方应向国家知识产权局或其他主管登记机关办理权利转让登记；"
                                      "卖方在交易平台提交登记号，经平台核验后权利人变更为买方。"),
                          "zh-hant": ("雙方應向國家知識產權局或其他主管登記機關辦理權利轉讓登記；"
                                      "賣方在交易平台提交登記號，經平台核驗後權利人變更為買方。"),
                          "en": "The parties record the assignment with the China National Intellectual Property "
                                "Administration or the competent register; the seller enters the recordal number "
                                "on the exchange, and once it is checked the buyer becomes the holder."},
    "recordal.licence": {"zh-hans": ("双方应向国家知识产权局或其他主管登记机关办理许可合同备案；"
                                     "卖方在交易平台提交备案号，经平台核验后许可登记生效。"),
                         "zh-hant": ("雙方應向國家知識產權局或其他主管登記機關辦理許可合同備案；"
                                     "賣方在交易平台提交備案號，經平台核驗後許可登記生效。"),
                         "en": "The parties record the licence with the China National Intellectual Property "
                               "Administration or the competent register; the seller enters the recordal number "
                               "on the exchange, and the licence is entered once it is checked."},
    "section.signatures": {"zh-hans": "六、签署", "zh-hant": "六、簽署", "en": "6. Signatures"},
    "signatures.text": {"zh-hans": ("本合同由双方在交易平台以电子方式签署；"
                                    "每一签名均记录签署人、时间及本文件的SHA-256摘要。"),
                        "zh-hant": ("本合同由雙方在交易平台以電子方式簽署；"
                                    "每一簽名均記錄簽署人、時間及本文件的SHA-256摘要。"),
                        "en": "The parties sign this contract electronically on the exchange; each signature records "
                              "who signed, when, and the SHA-256 digest of this document."},
    "none": {"zh-hans": "无", "zh-hant": "無", "en": "none"},
    # Titles of the one milestone of a deal whose offer named none.
    "milestone.full_price": {"zh-hans": "全部价款", "zh-hant": "全部價款", "en": "Full price"},
    "milestone.licence_fee": {"zh-hans": "许可使用费", "zh-hant": "許可使用費", "en": "Licence fee"},
    "milestone.after_trial": {"zh-hans": "免费试用期满后的使用费", "zh-hant": "免費試用期滿後的使用費",
                              "en": "Fee after the free trial"},
    "milestone.after_months": {"zh-hans": "{n}个月免费试用期满后的使用费", "zh-hant": "{n}個月免費試用期滿後的使用費",
                               "en": "Fee after the {n}-month free trial"},
    # A lot sold at auction: the winner's deposit counts towards the hammer price.
    "milestone.deposit_applied": {"zh-hans": "竞买保证金抵作价款", "zh-hant": "競投按金抵作價款",
                                  "en": "Auction deposit applied to the price"},
    "milestone.hammer_balance": {"zh-hans": "落槌价余款", "zh-hant": "落槌價餘款",
                                 "en": "Balance of the hammer price"},
    "auction.terms": {"zh-hans": ("本交易经{session}第{lot}号拍品拍卖成交，落槌价{hammer}；"
                                  "买受人另向交易所支付佣金{premium}（{premium_percent}%），"
                                  "出让人佣金为价款的{commission_percent}%。"),
                      "zh-hant": ("本交易經{session}第{lot}號拍品拍賣成交，落槌價{hammer}；"
                                  "買受人另向交易所支付佣金{premium}（{premium_percent}%），"
                                  "出讓人佣金為價款的{commission_percent}%。"),
                      "en": ("Sold at auction in {session}, lot {lot}, at a hammer price of {hammer}; the buyer "
                             "pays the exchange a buyer's premium of {premium} ({premium_percent}%), and the "
                             "seller's commission is {commission_percent}% of the price.")},
}


def text(key: str, language: str, **values: object) -> str:
    wording = TEXT[key][language]
    return wording.format(**values) if values else wording


def in_languages(key: str, languages: tuple[str, ...], **values: object) -> str:
    """The wording in each of ``languages``, joined (e.g. a milestone title for a bilingual contract)."""
    return _both(key, languages, **values)


def _both(key: str, languages: tuple[str, ...], **values: object) -> str:
    """The wording in each language, once each, joined for a bilingual contract."""
    return " / ".join(dict.fromkeys(text(key, language, **values) for language in languages))


def _joined(values: list[str]) -> str:
    return " / ".join(dict.fromkeys(value for value in values if value))


def _people(values: list[str], languages: tuple[str, ...]) -> str:
    """People's text (names, titles, terms they wrote) joined as :func:`_joined` joins it,
    each part in another language than the contract's marked with its ``lang``: WeasyPrint
    picks the glyphs of Simplified or Traditional characters, and the line breaking, by it."""
    return marked_in(_joined(values), values, languages[0])


@dataclass
class Row:
    label: str
    value: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    nowrap: tuple[int, ...] = ()  # columns kept on one line (amounts)


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # One paragraph per language: clauses are too long to put side by side on a line.
    paragraphs: list[str] = field(default_factory=list)


def _money(amount: Decimal, currency: str) -> str:
    return str(Money(amount, currency))


def _party_rows(organisation: Organisation, role_key: str, languages: tuple[str, ...]) -> list[Row]:
    regions = []
    for language in languages:
        with translation.override(language):
            regions.append(organisation.region_label)
    names = [organisation.name, organisation.name_en] if organisation.name_en else [organisation.name]
    return [
        Row(_both(role_key, languages), _people(names, languages)),
        Row(_both("uscc", languages), organisation.uscc or "—"),
        Row(_both("region", languages), _joined(regions) or "—"),
    ]


def contract_sections(deal: Deal) -> tuple[str, list[Section]]:
    """The title and the sections of the deal's contract, in its language(s)."""
    languages = decode_languages(deal.contract_language)
    side = "transfer" if deal.kind == DealKind.TRANSFER else "licence"
    title = _both(f"title.{deal.kind}", languages)
    sections: list[Section] = []

    parties = Section(_both("section.parties", languages))
    parties.rows += _party_rows(deal.seller, f"seller.{side}", languages)
    parties.rows += _party_rows(deal.buyer, f"buyer.{side}", languages)
    sections.append(parties)

    assets = Section(_both("section.assets", languages))
    asset_rows = []
    for link in deal.asset_links.select_related("asset").order_by("pk"):
        asset = link.asset
        asset_rows.append([_both(f"type.{asset.ip_type}", languages), asset.identifier or "—",
                           _people([asset.title, asset.title_en], languages)])
    assets.tables.append(Table([_both("asset.type", languages), _both("asset.identifier", languages),
                                _both("asset.title", languages)], asset_rows))
    sections.append(assets)

    terms = Section(_both("section.terms", languages))
    terms.rows += [
        Row(_both("kind", languages), _both(f"kind.{deal.kind}", languages)),
        Row(_both("price", languages), _money(deal.price_amount, deal.currency)),
        Row(_both("currency", languages), deal.currency),
        Row(_both("payment", languages), _both(f"payment.{deal.payment_structure}", languages)),
    ]
    if deal.royalty_percent is not None:
        terms.rows.append(Row(_both("royalty", languages), f"{deal.royalty_percent}%"))
    if deal.kind != DealKind.TRANSFER:
        exclusivity = (_both(f"exclusivity.{deal.licence_exclusivity}", languages) if deal.licence_exclusivity
                       else "—")
        term = (_both("months", languages, n=deal.licence_term_months) if deal.licence_term_months else "—")
        terms.rows += [
            Row(_both("exclusivity", languages), exclusivity),
            Row(_both("territory", languages), _people([deal.licence_territory], languages) or "—"),
            Row(_both("field", languages), _people([deal.licence_field], languages) or "—"),
            Row(_both("term", languages), term),
        ]
    if deal.trial_months:
        terms.rows.append(Row(_both("trial", languages), _both("months", languages, n=deal.trial_months)))
    if deal.notes:
        terms.rows.append(Row(_both("notes", languages), _people([deal.notes], languages)))
    sections.append(terms)

    payment = Section(_both("section.payment", languages))
    payment.paragraphs += [text("escrow", language) for language in languages]
    payment.tables.append(Table(
        [_both("milestone.position", languages), _both("milestone.title", languages),
         _both("milestone.amount", languages), _both("milestone.condition", languages)],
        [[str(m.position), _people([m.title], languages), _money(m.amount, deal.currency),
          _both(f"condition.{m.condition}", languages)]
         for m in deal.milestones.order_by("position")],
        nowrap=(2,),
    ))
    payment.rows.append(Row(_both("fee", languages), _both("fee.text", languages, percent=deal.fee_percent)))
    sections.append(payment)

    recordal = Section(_both("section.recordal", languages))
    recordal.paragraphs += [text(f"recordal.{side}", language) for language in languages]
    sections.append(recordal)

    signatures = Section(_both("section.signatures", languages))
    signatures.paragraphs += [text("signatures.text", language) for language in languages]
    signatures.tables.append(Table([_both(f"seller.{side}", languages), _both(f"buyer.{side}", languages)],
                                   [[_people([deal.seller.name], languages), _people([deal.buyer.name], languages)]]))
    sections.append(signatures)
    return title, sections


def contract_render(deal: Deal) -> bytes:
    """The deal's contract as PDF bytes."""
    from weasyprint import HTML  # heavy; loaded when a contract is first made

    # Nothing but the exchange's own static files is fetched (``resources``).
    return bytes(HTML(string=contract_html(deal), base_url=resources.base_url(),
                      url_fetcher=resources.static_files_only).write_pdf())


def contract_html(deal: Deal) -> str:
    """The contract's page, which WeasyPrint prints."""
    languages = decode_languages(deal.contract_language)
    title, sections = contract_sections(deal)
    created = timezone.localtime(deal.created_at) if deal.created_at else timezone.localtime()
    return render_to_string("deals/contracts/contract_pdf.html", {
        "title": title,
        "intended": [text("intended", language) for language in languages]
        if deal.commitment == Commitment.INTENDED else [],
        "number_label": _both("deal_number", languages),
        "number": deal_number(deal),
        "date_label": _both("date", languages),
        "date": f"{created:%Y-%m-%d}",
        "sections": sections,
        "font_family": FONT_FAMILY,
        "lang": languages[0],
    })
