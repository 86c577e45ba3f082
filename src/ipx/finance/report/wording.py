"""The valuation report's fixed wording, in Simplified Chinese, Traditional Chinese (in the
Hong Kong forms the zh-Hant interface uses) and English.

Kept here rather than in the gettext catalogs for the reason the contract's wording is kept in
``ipx.deals.contracts.pdf``: a bank files the report with a loan, so it must read the same
whatever catalog a server happens to run, and its Chinese must be Chinese even where a
translation is missing. Labels the contract already words (IP types, names, codes) are taken
from it, so the two documents name the same things the same way.
"""

from __future__ import annotations

from ipx.deals.contracts.pdf import TEXT as CONTRACT_TEXT

SHARED = ("name", "uscc", "region", "currency", "asset.type", "asset.identifier", "asset.title", "type.patent",
          "type.trademark", "type.copyright", "type.gi", "type.data")

TEXT: dict[str, dict[str, str]] = {
    **{key: CONTRACT_TEXT[key] for key in SHARED},
    "title": {"zh-hans": "知识产权价值评估报告", "zh-hant": "知識產權價值評估報告", "en": "IP Valuation Report"},
    "number": {"zh-hans": "报告编号", "zh-hant": "報告編號", "en": "Report number"},
    "valuation_date": {"zh-hans": "评估基准日", "zh-hant": "評估基準日", "en": "Valuation date"},
    "section.parties": {"zh-hans": "一、委托方与评估机构", "zh-hant": "一、委託方與評估機構",
                        "en": "1. Requester and appraiser"},
    "requester": {"zh-hans": "委托方", "zh-hant": "委託方", "en": "Requester"},
    "appraiser": {"zh-hans": "评估机构", "zh-hant": "評估機構", "en": "Appraiser"},
    "section.basis": {"zh-hans": "二、评估目的与基本事项", "zh-hant": "二、評估目的與基本事項",
                      "en": "2. Purpose and basis"},
    "purpose": {"zh-hans": "评估目的", "zh-hant": "評估目的", "en": "Purpose"},
    "approaches": {"zh-hans": "评估方法", "zh-hant": "評估方法", "en": "Approaches used"},
    "approach.income": {"zh-hans": "收益法（许可费节省法）", "zh-hant": "收益法（許可費節省法）",
                        "en": "Income approach (relief from royalty)"},
    "approach.cost": {"zh-hans": "成本法", "zh-hant": "成本法", "en": "Cost approach"},
    "approach.market": {"zh-hans": "市场法", "zh-hant": "市場法", "en": "Market approach"},
    "section.assets": {"zh-hans": "三、评估对象", "zh-hant": "三、評估對象", "en": "3. The IP rights valued"},
    "asset.expiry": {"zh-hans": "保护期届满日", "zh-hant": "保護期屆滿日", "en": "Term ends"},
    "asset.term_left": {"zh-hans": "剩余法定保护期（年）", "zh-hant": "剩餘法定保護期（年）",
                        "en": "Legal term left (years)"},
    "no_term": {"zh-hans": "无法定期限", "zh-hant": "無法定期限", "en": "no legal term"},
    "not_used": {"zh-hans": "本次评估未采用此方法。", "zh-hant": "本次評估未採用此方法。",
                 "en": "This approach was not used."},
    "no_value": {"zh-hans": "未形成评估值", "zh-hant": "未形成評估值", "en": "no value"},
    # The income approach.
    "section.income": {"zh-hans": "四、收益法（许可费节省法）", "zh-hant": "四、收益法（許可費節省法）",
                       "en": "4. Income approach (relief from royalty)"},
    "income.explain": {
        "zh-hans": "以许可费节省额估算：各年预测收入乘以许可费率，扣除所得税后，按折现率于各年年末折现至评估基准日。"
                   "收益期为预测期，且不超过评估对象的剩余法定保护期（多项权利的，以最早届满者为准），末年不足一年的按比例计入。",
        "zh-hant": "以許可費節省額估算：各年預測收入乘以許可費率，扣除所得稅後，按折現率於各年年末折現至評估基準日。"
                   "收益期為預測期，且不超過評估對象的剩餘法定保護期（多項權利的，以最早屆滿者為準），末年不足一年的按比例計入。",
        "en": "What the owner saves by not paying a royalty: each year's forecast revenue times the royalty rate, "
              "less tax, discounted to the valuation date at each year's end. The income counts over the forecast "
              "years but no longer than the remaining legal term (of several rights, the first to expire); a last "
              "part year counts its part."},
    "royalty_rate": {"zh-hans": "许可费率", "zh-hant": "許可費率", "en": "Royalty rate"},
    "tax_rate": {"zh-hans": "所得税率", "zh-hant": "所得稅率", "en": "Tax rate"},
    "discount_rate": {"zh-hans": "折现率", "zh-hant": "折現率", "en": "Discount rate"},
    "useful_life": {"zh-hans": "收益期（年）", "zh-hant": "收益期（年）", "en": "Useful life (years)"},
    "year": {"zh-hans": "年度", "zh-hant": "年度", "en": "Year"},
    "revenue": {"zh-hans": "预测收入", "zh-hant": "預測收入", "en": "Revenue forecast"},
    "share": {"zh-hans": "计入比例", "zh-hant": "計入比例", "en": "Part of year"},
    "royalty": {"zh-hans": "节省的许可费", "zh-hant": "節省的許可費", "en": "Royalty saved"},
    "after_tax": {"zh-hans": "税后", "zh-hant": "稅後", "en": "After tax"},
    "factor": {"zh-hans": "折现系数", "zh-hant": "折現系數", "en": "Discount factor"},
    "present_value": {"zh-hans": "现值", "zh-hant": "現值", "en": "Present value"},
    "total": {"zh-hans": "合计", "zh-hant": "合計", "en": "Total"},
    "income.value": {"zh-hans": "收益法评估值", "zh-hant": "收益法評估值", "en": "Value by the income approach"},
    "sensitivity": {"zh-hans": "敏感性分析", "zh-hant": "敏感性分析", "en": "Sensitivity"},
    "sensitivity.explain": {
        "zh-hans": "下表为不同许可费率（行）与折现率（列）下的收益法评估值，其他参数不变。",
        "zh-hant": "下表為不同許可費率（行）與折現率（列）下的收益法評估值，其他參數不變。",
        "en": "The income approach's value at other royalty rates (rows) and discount rates (columns), everything "
              "else unchanged."},
    "sensitivity.corner": {"zh-hans": "许可费率＼折现率", "zh-hant": "許可費率＼折現率",
                           "en": "Royalty \\ discount"},
    # The cost approach.
    "section.cost": {"zh-hans": "五、成本法", "zh-hant": "五、成本法", "en": "5. Cost approach"},
    "cost.explain": {
        "zh-hans": "以重置成本扣除功能性贬值和经济性贬值；经济性贬值按扣除功能性贬值后的余额计算。",
        "zh-hant": "以重置成本扣除功能性貶值和經濟性貶值；經濟性貶值按扣除功能性貶值後的餘額計算。",
        "en": "The cost of reproducing the rights, less functional and then economic obsolescence, the second "
              "a percentage of what the first leaves."},
    "reproduction_cost": {"zh-hans": "重置成本", "zh-hant": "重置成本", "en": "Reproduction cost"},
    "functional": {"zh-hans": "功能性贬值", "zh-hant": "功能性貶值", "en": "Functional obsolescence"},
    "economic": {"zh-hans": "经济性贬值", "zh-hant": "經濟性貶值", "en": "Economic obsolescence"},
    "cost.value": {"zh-hans": "成本法评估值", "zh-hant": "成本法評估值", "en": "Value by the cost approach"},
    # The market approach.
    "section.market": {"zh-hans": "六、市场法", "zh-hant": "六、市場法", "en": "6. Market approach"},
    "market.explain": {
        "zh-hans": "以交易平台上已签署的同类型权利交易（专利为同一IPC小类）为可比案例，"
                   "各成交价按调整幅度修正后取平均值。",
        "zh-hant": "以交易平台上已簽署的同類型權利交易（專利為同一IPC小類）為可比案例，"
                   "各成交價按調整幅度修正後取平均值。",
        "en": "Deals signed on the exchange for rights of the same type (for patents, the same IPC subclass) "
              "are the comparables; each price is adjusted by a percentage and the adjusted prices averaged."},
    "comparable.deal": {"zh-hans": "可比交易编号", "zh-hant": "可比交易編號", "en": "Comparable deal"},
    "comparable.date": {"zh-hans": "成交日期", "zh-hant": "成交日期", "en": "Agreed on"},
    "comparable.price": {"zh-hans": "成交价", "zh-hant": "成交價", "en": "Price"},
    "comparable.adjustment": {"zh-hans": "调整幅度", "zh-hant": "調整幅度", "en": "Adjustment"},
    "comparable.adjusted": {"zh-hans": "调整后价格", "zh-hant": "調整後價格", "en": "Adjusted price"},
    "market.value": {"zh-hans": "市场法评估值（调整后价格的平均值）", "zh-hant": "市場法評估值（調整後價格的平均值）",
                     "en": "Value by the market approach (mean of the adjusted prices)"},
    "market.range": {"zh-hans": "调整后价格区间", "zh-hant": "調整後價格區間", "en": "Range of the adjusted prices"},
    "market.too_few": {
        "zh-hans": "可比成交案例仅{n}个，少于市场法所需的{least}个，市场法不形成评估值。",
        "zh-hant": "可比成交案例僅{n}個，少於市場法所需的{least}個，市場法不形成評估值。",
        "en": "Only {n} comparable concluded deals were found; the market approach needs at least {least}, "
              "so it gives no value."},
    # The conclusion and the sign-off.
    "section.conclusion": {"zh-hans": "七、评估结论", "zh-hant": "七、評估結論", "en": "7. Conclusion"},
    "approach": {"zh-hans": "评估方法", "zh-hant": "評估方法", "en": "Approach"},
    "value": {"zh-hans": "评估值", "zh-hant": "評估值", "en": "Value"},
    "concluded_value": {"zh-hans": "评估结论", "zh-hant": "評估結論", "en": "Concluded value"},
    "concluded_range": {"zh-hans": "价值区间", "zh-hant": "價值區間", "en": "Range"},
    "reasoning": {"zh-hans": "评估机构的分析与判断（原文）", "zh-hant": "評估機構的分析與判斷（原文）",
                  "en": "The appraiser's reasoning (as written)"},
    "section.sign_off": {"zh-hans": "八、签署与核验", "zh-hant": "八、簽署與核驗",
                         "en": "8. Sign-off and verification"},
    "signed_by": {"zh-hans": "签署人", "zh-hant": "簽署人", "en": "Signed off by"},
    "signed_at": {"zh-hans": "签署时间", "zh-hant": "簽署時間", "en": "Signed off at"},
    "fingerprint": {"zh-hans": "数字指纹（SHA-256）", "zh-hant": "數碼指紋（SHA-256）", "en": "Fingerprint (SHA-256)"},
    "verify": {
        "zh-hans": "本报告由交易平台依据评估机构记录并签署的评估数据生成。数字指纹是上述数据的SHA-256摘要："
                   "与交易平台上该评估页面所示的指纹一致，即表明本报告所载数据未被更改。",
        "zh-hant": "本報告由交易平台依據評估機構記錄並簽署的評估數據生成。數碼指紋是上述數據的SHA-256摘要："
                   "與交易平台上該評估頁面所示的指紋一致，即表明本報告所載數據未被更改。",
        "en": "The exchange made this report from the figures the appraiser recorded and signed off. The "
              "fingerprint is the SHA-256 digest of those figures: when it matches the one the valuation's page "
              "on the exchange shows, the figures in this report have not been altered."},
}


def text(key: str, language: str, **values: object) -> str:
    wording = TEXT[key][language]
    return wording.format(**values) if values else wording
