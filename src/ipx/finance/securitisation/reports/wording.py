"""The investor report's fixed wording, in Simplified Chinese, Traditional Chinese (the Hong Kong
forms the zh-Hant interface uses) and English.

Kept here rather than in the gettext catalogs for the reason the valuation report keeps its
wording (``ipx.finance.report.wording``): investors file the report, so it must read the same
whatever catalog a server runs, and its Chinese must be Chinese even where a translation is
missing. The PDF shows the three side by side; the worksheet is in the reader's language.
"""

from __future__ import annotations

LANGUAGES = ("zh-hans", "zh-hant", "en")

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh-hans": "资产支持证券收益分配报告", "zh-hant": "資產支持證券收益分配報告",
              "en": "Asset-backed securities: investor report"},
    "deal": {"zh-hans": "专项计划", "zh-hant": "專項計劃", "en": "Product"},
    "period": {"zh-hans": "收益分配期", "zh-hant": "收益分配期", "en": "Period"},
    "period_no": {"zh-hans": "第{n}期", "zh-hant": "第{n}期", "en": "Period {n}"},
    "run_at": {"zh-hans": "分配日", "zh-hant": "分配日", "en": "Run on"},
    "currency": {"zh-hans": "币种", "zh-hant": "幣種", "en": "Currency"},
    "originator": {"zh-hans": "原始权益人", "zh-hant": "原始權益人", "en": "Originator"},
    "trustee": {"zh-hans": "计划管理人", "zh-hant": "計劃管理人", "en": "Trustee"},
    "guarantor": {"zh-hans": "差额支付承诺人", "zh-hant": "差額支付承諾人", "en": "Shortfall guarantor"},
    "section.pool": {"zh-hans": "一、基础资产池表现", "zh-hant": "一、基礎資產池表現", "en": "1. Pool performance"},
    "pool.before": {"zh-hans": "期初资产池余额", "zh-hant": "期初資產池餘額", "en": "Pool balance at the start"},
    "pool.scheduled": {"zh-hans": "本期应收回款", "zh-hant": "本期應收回款", "en": "Collections due"},
    "pool.collected": {"zh-hans": "本期实际回款", "zh-hant": "本期實際回款", "en": "Collections received"},
    "pool.after": {"zh-hans": "期末资产池余额", "zh-hant": "期末資產池餘額", "en": "Pool balance at the end"},
    "pool.receivables": {"zh-hans": "基础资产状态", "zh-hant": "基礎資產狀態", "en": "Receivables by status"},
    "status": {"zh-hans": "状态", "zh-hant": "狀態", "en": "Status"},
    "count": {"zh-hans": "笔数", "zh-hant": "筆數", "en": "Count"},
    "outstanding": {"zh-hans": "未收余额", "zh-hant": "未收餘額", "en": "Outstanding"},
    "status.current": {"zh-hans": "正常", "zh-hant": "正常", "en": "Current"},
    "status.late": {"zh-hans": "逾期", "zh-hant": "逾期", "en": "Late"},
    "status.defaulted": {"zh-hans": "违约", "zh-hant": "違約", "en": "Defaulted"},
    "status.paid": {"zh-hans": "已结清", "zh-hant": "已結清", "en": "Paid"},
    "section.tranches": {"zh-hans": "二、各档证券本息", "zh-hant": "二、各檔證券本息", "en": "2. Tranche balances"},
    "tranche": {"zh-hans": "证券档次", "zh-hant": "證券檔次", "en": "Tranche"},
    "seniority": {"zh-hans": "偿付顺序", "zh-hant": "償付順序", "en": "Priority"},
    "seniority.senior": {"zh-hans": "优先级", "zh-hant": "優先級", "en": "Senior"},
    "seniority.mezzanine": {"zh-hans": "中间级", "zh-hant": "中間級", "en": "Mezzanine"},
    "seniority.subordinated": {"zh-hans": "次级", "zh-hant": "次級", "en": "Subordinated"},
    "coupon": {"zh-hans": "票面利率", "zh-hant": "票面利率", "en": "Coupon"},
    "balance.before": {"zh-hans": "期初本金余额", "zh-hant": "期初本金餘額", "en": "Balance at the start"},
    "interest.paid": {"zh-hans": "本期支付利息", "zh-hant": "本期支付利息", "en": "Interest paid"},
    "principal.paid": {"zh-hans": "本期偿还本金", "zh-hant": "本期償還本金", "en": "Principal paid"},
    "balance.after": {"zh-hans": "期末本金余额", "zh-hant": "期末本金餘額", "en": "Balance at the end"},
    "interest.shortfall": {"zh-hans": "累计未付利息", "zh-hant": "累計未付利息", "en": "Interest unpaid"},
    "section.payments": {"zh-hans": "三、现金流分配顺序", "zh-hant": "三、現金流分配順序",
                         "en": "3. Payments, in the order of priority"},
    "step": {"zh-hans": "序号", "zh-hant": "序號", "en": "Step"},
    "action": {"zh-hans": "分配事项", "zh-hant": "分配事項", "en": "Payment"},
    "source": {"zh-hans": "付出账户", "zh-hant": "付出帳戶", "en": "From"},
    "target": {"zh-hans": "收款方", "zh-hant": "收款方", "en": "To"},
    "amount": {"zh-hans": "金额", "zh-hant": "金額", "en": "Amount"},
    "action.pay_fee": {"zh-hans": "支付费用", "zh-hant": "支付費用", "en": "Fee"},
    "action.pay_tax": {"zh-hans": "缴纳税费", "zh-hant": "繳納稅費", "en": "Tax"},
    "action.pay_interest": {"zh-hans": "支付利息", "zh-hant": "支付利息", "en": "Interest"},
    "action.pay_principal": {"zh-hans": "偿还本金", "zh-hant": "償還本金", "en": "Principal"},
    "action.pay_residual": {"zh-hans": "剩余收益", "zh-hant": "剩餘收益", "en": "Residual"},
    "action.transfer": {"zh-hans": "账户划转", "zh-hant": "帳戶劃轉", "en": "Transfer"},
    "action.draw_reserve": {"zh-hans": "动用储备金", "zh-hant": "動用儲備金", "en": "Reserve drawn"},
    "action.draw_guarantor": {"zh-hans": "差额支付", "zh-hant": "差額支付", "en": "Guarantor's shortfall payment"},
    "action.top_up_reserve": {"zh-hans": "补足储备金", "zh-hant": "補足儲備金", "en": "Reserve topped up"},
    "total.in": {"zh-hans": "资金流入合计", "zh-hant": "資金流入合計", "en": "Cash in"},
    "total.out": {"zh-hans": "资金流出合计", "zh-hant": "資金流出合計", "en": "Cash out"},
    "section.triggers": {"zh-hans": "四、触发事件与覆盖倍数", "zh-hant": "四、觸發事件與覆蓋倍數",
                         "en": "4. Triggers and coverage"},
    "trigger": {"zh-hans": "触发事件", "zh-hant": "觸發事件", "en": "Trigger"},
    "metric": {"zh-hans": "指标", "zh-hant": "指標", "en": "Measure"},
    "metric.asset_coverage": {"zh-hans": "资产覆盖倍数", "zh-hant": "資產覆蓋倍數", "en": "Asset coverage"},
    "metric.interest_coverage": {"zh-hans": "利息覆盖倍数", "zh-hant": "利息覆蓋倍數", "en": "Interest coverage"},
    "threshold": {"zh-hans": "触发阈值", "zh-hant": "觸發閾值", "en": "Threshold"},
    "value": {"zh-hans": "本期数值", "zh-hant": "本期數值", "en": "This period"},
    "breached": {"zh-hans": "是否触发", "zh-hant": "是否觸發", "en": "Breached"},
    "consequence": {"zh-hans": "触发后果", "zh-hant": "觸發後果", "en": "Consequence"},
    "consequence.sequential": {"zh-hans": "改为顺序偿付", "zh-hant": "改為順序償付", "en": "Sequential pay"},
    "consequence.accelerate": {"zh-hans": "加速清偿", "zh-hant": "加速清償", "en": "Acceleration"},
    "yes": {"zh-hans": "是", "zh-hant": "是", "en": "Yes"},
    "no": {"zh-hans": "否", "zh-hant": "否", "en": "No"},
    "pay_mode": {"zh-hans": "本金偿付方式", "zh-hant": "本金償付方式", "en": "Principal paid"},
    "pay_mode.pro_rata": {"zh-hans": "按比例", "zh-hant": "按比例", "en": "Pro rata"},
    "pay_mode.sequential": {"zh-hans": "顺序偿付", "zh-hant": "順序償付", "en": "Sequentially"},
    "pay_mode.accelerated": {"zh-hans": "加速清偿", "zh-hant": "加速清償", "en": "Accelerated"},
    "reserve": {"zh-hans": "储备金账户余额", "zh-hant": "儲備金帳戶餘額", "en": "Reserve account"},
    "guarantor_paid": {"zh-hans": "差额支付累计金额", "zh-hant": "差額支付累計金額",
                       "en": "Paid by the guarantor so far"},
    # The workbook's sheets (Excel takes at most 31 characters).
    "sheet.pool": {"zh-hans": "资产池", "zh-hant": "資產池", "en": "Pool"},
    "sheet.tranches": {"zh-hans": "证券本息", "zh-hant": "證券本息", "en": "Tranches"},
    "sheet.payments": {"zh-hans": "分配顺序", "zh-hant": "分配順序", "en": "Payments"},
    "sheet.triggers": {"zh-hans": "触发事件", "zh-hant": "觸發事件", "en": "Triggers"},
    "explain": {
        "zh-hans": "本报告由交易平台依据计划管理人记录的本期实际回款及按交易文件约定的分配顺序生成，"
                   "各项分配均已记入平台账簿。",
        "zh-hant": "本報告由交易平台依據計劃管理人記錄的本期實際回款及按交易文件約定的分配順序生成，"
                   "各項分配均已記入平台帳簿。",
        "en": "The exchange made this report from the collections the trustee recorded for the period and "
              "the order of payments the deal's documents set; every payment is posted on the exchange's "
              "ledger."},
}


def text(key: str, language: str, **values: object) -> str:
    wording = TEXT[key][language]
    return wording.format(**values) if values else wording


def both(key: str, **values: object) -> str:
    """The wording in each language, once each (the two Chinese forms are often alike)."""
    return " / ".join(dict.fromkeys(text(key, language, **values) for language in LANGUAGES))

