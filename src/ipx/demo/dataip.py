"""Data IP for the demo: a dozen data products of the demo's Guangdong members, of the kinds
Guangdong's registry certifies (manufacturing, energy, transport, environment, agriculture,
consumer and supply-chain data; the 2024 bulletin counts 1,069 certificates), brought through
the registry's services to every state: a draft, the formal and the substantive check, one
returned for changes, in publicity (one with an objection), registered with a signed
certificate (one listed for licence on the market), revoked and cancelled.

The registry's signing key is made if the installation has none. The objection period is a
span of working days from now; for the registrations granted it is set to have run out (the
registry grants only after it), as the tests' ``period_over`` does. Samples are a few rows of
each data set in CSV; the fingerprint is of the whole data set, which stays with its holder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.dataip import signing
from ipx.dataip.models import DataProduct
from ipx.dataip.services import applications, certificates, review
from ipx.listings.inputs import ListingInput
from ipx.listings.services import listing_approve, listing_create, listing_submit

S = DataProduct.Status


@dataclass(frozen=True, slots=True)
class DataPlan:
    """One demo data product: its registrant, the state it is brought to, what the form says
    and the first rows of the data (the sample)."""

    registrant: str  # an organisation key of ``ipx.demo.organisations``
    state: str
    name: str
    description: str
    industry: str
    source: str
    collection: str
    records: int
    size_mb: int
    structure: str
    frequency: str
    span: tuple[str, str]
    rows: tuple[tuple[str, ...], ...]
    restrictions: str = "不得用于识别特定自然人；不得转授权第三方。"
    lawful_basis: str = "自有生产经营数据，已取得相关方授权并完成去标识化处理。"
    listed: bool = False  # offered for licence on the market
    objection: tuple[str, str] = field(default=("", ""))  # (objector's organisation key, reason)


PLANS = (
    DataPlan("buyer", "draft", "家用空调售后维修工单数据集",
             "佛山地区家用空调安装、维修工单汇总，含故障类型、维修时长与配件消耗。", "O", "01",
             "售后服务系统按日导出，去除用户姓名与电话。", 860_000, 420,
             "工单号、城市、机型、故障代码、维修时长（分钟）、更换配件",
             "daily", ("2021-01-01", "2025-12-31"),
             (("工单号", "城市", "机型", "故障代码", "维修时长"), ("W2025000123", "佛山", "KFR-35GW", "E4", "45"))),
    DataPlan("dg-mechatronics", "formal_review", "注塑机设备运行工况数据集",
             "东莞注塑车间 120 台设备的温度、压力、周期与能耗时序数据，用于工艺优化与预测性维护。", "C", "01",
             "设备物联网网关每分钟采集，上传企业私有云。", 52_000_000, 18_400,
             "设备编号、时间、料筒温度、注射压力、成型周期、能耗",
             "real_time", ("2023-03-01", "2025-11-30"),
             (("设备编号", "时间", "料筒温度", "注射压力", "成型周期"),
              ("IM-087", "2025-06-01 08:00", "215.4", "96.2", "28.5"))),
    DataPlan("hz-battery", "substantive", "动力电池充放电循环测试数据集",
             "磷酸铁锂与三元电芯在不同温度、倍率下的充放电循环测试记录，含容量衰减曲线。", "C", "01",
             "实验室电池测试柜自动记录，按批次归档。", 3_600_000, 2_900,
             "电芯批次、循环次数、温度、倍率、放电容量、内阻",
             "weekly", ("2022-07-01", "2025-10-31"),
             (("电芯批次", "循环次数", "温度", "倍率", "放电容量"), ("LFP-2307-A", "500", "25", "1C", "97.8"))),
    DataPlan("zh-marine", "returned", "珠海近海网箱养殖水质监测数据集",
             "珠海万山海域深水网箱的溶解氧、盐度、水温与叶绿素浓度监测数据。", "A", "01",
             "养殖平台水质浮标每 10 分钟采集。", 4_200_000, 650, "浮标编号、时间、溶解氧、盐度、水温、叶绿素 a",
             "real_time", ("2022-01-01", "2025-09-30"),
             (("浮标编号", "时间", "溶解氧", "盐度", "水温"), ("ZH-B03", "2025-05-12 06:10", "6.8", "32.1", "24.6"))),
    DataPlan("jm-rail", "publicity", "城轨车辆走行部振动监测数据集",
             "江门制造的城轨车辆转向架轴箱振动与温度监测数据，标注了轴承早期故障样本。", "G", "01",
             "车载监测装置采集，运营方授权回传。", 9_800_000, 7_300, "车号、转向架、时间、振动加速度、轴温、故障标注",
             "daily", ("2023-01-01", "2025-08-31"),
             (("车号", "转向架", "时间", "振动加速度", "轴温"),
              ("JM-0412", "2", "2025-04-01 10:00:00", "0.82", "41.5")),
             objection=("sz-institute",
                        "该数据集中的故障标注样本系我院与车辆运营方合作研究时标注形成，登记申请人未取得我院授权。")),
    DataPlan("zs-home", "publicity", "家居产品消费者偏好调研数据集",
             "中山家居企业在线问卷与门店调研汇总，覆盖材质、风格、价格带偏好。", "F", "02",
             "线上问卷与门店访谈，受访者知情同意。", 180_000, 95, "问卷编号、城市、年龄段、偏好风格、价格带、材质",
             "quarterly", ("2024-01-01", "2025-09-30"),
             (("问卷编号", "城市", "年龄段", "偏好风格", "价格带"),
              ("Q24-00871", "中山", "25-34", "北欧简约", "3000-5000")),
             lawful_basis="受访者书面知情同意，仅保留匿名统计字段。"),
    DataPlan("owner", "granted", "电子元器件现货价格指数数据",
             "华强北及线上渠道常用电子元器件（MLCC、MCU、功率器件）的日度现货价格与指数。", "F", "04",
             "汇总自有交易记录与公开报价，经清洗加权形成指数。", 2_400_000, 380, "日期、品类、型号、现货均价、价格指数",
             "daily", ("2020-01-01", "2025-11-30"),
             (("日期", "品类", "型号", "现货均价", "价格指数"),
              ("2025-11-28", "MCU", "STM32F103C8T6", "6.85", "103.2")),
             listed=True),
    DataPlan("gz-materials", "granted", "高分子改性材料配方实验数据集",
             "聚丙烯、尼龙改性配方与力学性能测试结果，用于材料研发的配方筛选。", "M", "01",
             "研发实验室 LIMS 系统记录。", 46_000, 120, "配方编号、基材、填料比例、拉伸强度、冲击强度、熔指",
             "monthly", ("2019-06-01", "2025-10-31"),
             (("配方编号", "基材", "填料比例", "拉伸强度", "冲击强度"), ("PP-GF30-017", "PP", "30", "82.5", "11.2"))),
    DataPlan("university", "granted", "粤港澳大湾区空气质量网格化监测数据集",
             "大湾区 9 市 1 公里网格的 PM2.5、臭氧与氮氧化物小时浓度，融合站点与卫星反演。", "N", "04",
             "公开监测站点数据与卫星遥感反演融合计算。", 75_000_000, 31_000, "网格编号、时间、PM2.5、O3、NO2",
             "daily", ("2018-01-01", "2025-06-30"),
             (("网格编号", "时间", "PM2.5", "O3", "NO2"), ("GBA-1km-08812", "2025-01-15 14:00", "38", "92", "27")),
             lawful_basis="公开环境监测数据经加工形成，不含个人信息。"),
    DataPlan("sz-institute", "granted", "工业机器人故障诊断标注数据集",
             "六轴工业机器人减速器与伺服电机运行信号，含人工标注的故障类型。", "M", "01",
             "合作产线传感器采集，研究院工程师标注。", 1_300_000, 5_600, "机器人编号、关节、时间、电流、振动、故障类型",
             "monthly", ("2022-09-01", "2025-09-30"),
             (("机器人编号", "关节", "时间", "电流", "故障类型"),
              ("R6-021", "J3", "2025-03-02 09:15:00", "4.21", "正常"))),
    DataPlan("fs-equipment", "revoked", "数控机床加工参数数据集",
             "佛山机加工车间数控机床的切削参数、刀具寿命与加工质量记录。", "C", "03",
             "采购自第三方设备联网平台。", 6_100_000, 2_100, "机床编号、工序、主轴转速、进给量、刀具寿命、合格率",
             "daily", ("2021-05-01", "2025-05-31"),
             (("机床编号", "工序", "主轴转速", "进给量", "合格率"), ("CNC-33", "精铣", "8000", "0.12", "99.1")),
             lawful_basis="与第三方平台签订数据采购合同。"),
    DataPlan("gov-agri", "cancelled", "粤北柑橘种植物候与产量数据集",
             "韶关、清远柑橘种植基地的物候观测、施肥记录与亩产统计。", "A", "01",
             "农技站田间观测与合作社上报。", 95_000, 40, "基地编号、年份、品种、开花期、施肥量、亩产",
             "yearly", ("2015-01-01", "2024-12-31"),
             (("基地编号", "年份", "品种", "开花期", "亩产"), ("SG-014", "2024", "砂糖橘", "03-18", "2650")),
             lawful_basis="农技推广工作中形成的数据，合作社同意登记。"),
)


def _csv(plan: DataPlan) -> bytes:
    return "".join(",".join(row) + "\n" for row in plan.rows).encode()


def _values(plan: DataPlan) -> dict[str, Any]:
    return {"name": plan.name, "description": plan.description, "industry": plan.industry, "source": plan.source,
            "collection_method": plan.collection, "lawful_basis": plan.lawful_basis, "records": plan.records,
            "size_bytes": plan.size_mb * 1024 * 1024, "structure": plan.structure,
            "update_frequency": plan.frequency, "span_from": plan.span[0], "span_until": plan.span[1],
            "restrictions": plan.restrictions,
            # The data set stays with its holder; the registry keeps its fingerprint.
            "fingerprint": hashlib.sha256(f"{plan.registrant}:{plan.name}".encode() + _csv(plan)).hexdigest()}


def _period_over(product: DataProduct) -> None:
    today = timezone.localdate()
    DataProduct.objects.filter(pk=product.pk).update(publicity_from=today - timedelta(days=20),
                                                     publicity_until=today - timedelta(days=1))


def _listing(product: DataProduct, admin: User, operator: User) -> None:
    data = ListingInput.parse({
        "title": f"{product.name} · 年度使用许可", "offer_kinds": ["licence"],
        "description": "按年授权使用，数据按日更新，经接口交付；许可期内可用于内部分析与模型训练。",
        "licence_exclusivity": "non_exclusive", "licence_territory": "中国大陆", "licence_field": "商业分析与研发",
        "licence_term_months": "12", "price_type": "fixed", "price_amount": "120000", "currency": "CNY",
        "expires_on": (timezone.localdate() + timedelta(days=180)).isoformat(), "asset_ids": [product.asset_id]})
    listing = listing_create(organisation_id=product.registrant_id, actor=admin, data=data)
    listing_submit(listing_id=listing.pk, actor=admin)
    listing_approve(listing_id=listing.pk, operator=operator)


def _bring(plan: DataPlan, organisations: dict[str, Organisation], admins: dict[str, User],
           operator: User) -> DataProduct:
    admin, registrant = admins[plan.registrant], organisations[plan.registrant]
    sample = SimpleUploadedFile("样例.csv", _csv(plan), content_type="text/csv")
    product = applications.product_create(actor=admin, registrant_id=registrant.pk, values=_values(plan),
                                          sample=sample)
    if plan.state == "draft":
        return product
    applications.product_submit(actor=admin, product_id=product.pk)
    if plan.state == "formal_review":
        return product
    if plan.state == "returned":
        return review.review_return(operator=operator, product_id=product.pk,
                                    note="请补充水质浮标数据的采集授权文件，并说明叶绿素字段的计量单位。")
    review.review_pass_formal(operator=operator, product_id=product.pk, note="申请材料齐全，样例与说明一致。")
    if plan.state == "substantive":
        return product
    review.review_publish(operator=operator, product_id=product.pk, note="数据来源与合法性说明充分，予以公示。")
    objector, reason = plan.objection
    if objector:
        review.objection_make(actor=admins[objector], product_id=product.pk, reason=reason,
                              organisation_id=organisations[objector].pk)
    if plan.state == "publicity":
        return product
    _period_over(product)
    product = review.registration_grant(operator=operator, product_id=product.pk, note="公示期满无异议，准予登记。")
    if plan.state == "revoked":
        certificates.revoke(operator=operator, product_id=product.pk,
                            reason="经核查，数据采购合同已于登记前解除，申请人不再享有该数据的处理权益。")
    elif plan.state == "cancelled":
        certificates.cancel(actor=admin, product_id=product.pk, reason="该数据集已停止更新，申请注销登记。")
    elif plan.listed:
        _listing(product, admin, operator)
    return product


def create_dataip(organisations: dict[str, Organisation], admins: dict[str, User], operator: User) -> dict[str, int]:
    """The demo's data products in every state; the registry's key made if missing."""
    if not signing.key_path().exists():
        signing.generate_key()
    products = [_bring(plan, organisations, admins, operator) for plan in PLANS]
    return {"data products": len(products),
            "data-IP certificates": sum(product.certificates.count() for product in products)}
