"""A handful of trademarks, copyrights and geographical-indication products, so that every
kind of IP the catalog registers shows up in the demo.

The trademarks and copyrights are invented and say so in their titles and descriptions.
Their numbers pass the format checks but lie outside what the registers have issued
(9-digit trademark numbers from 990000000; software serials from 9900000, above any year's
count), so they cannot be mistaken for someone's real registration. The GI products are
real Guangdong products; their holders are fictional and no approval number is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ipx.accounts.models import Organisation
from ipx.catalog.cleaning import parse_asset
from ipx.catalog.inputs import AssetValues
from ipx.catalog.models import Asset, Copyright
from ipx.catalog.services import create_asset
from ipx.core.errors import ApplicationError
from ipx.demo.results import Created, Skipped, describe

DEMO_NOTE = "示例条目（Demo example）：虚构的演示数据，登记号不对应任何真实登记。"
GI_NOTE = ("示例条目（Demo example）：地理标志产品真实存在，本条目的持有机构为虚构示例；"
           "保护范围与批准公告以国家知识产权局公告为准。")


@dataclass(frozen=True, slots=True)
class OtherIp:
    holder_key: str
    ip_type: str
    data: dict[str, Any]


def _trademark(holder_key: str, title: str, number: str, classes: list[int], goods: str,
               registered: str) -> OtherIp:
    return OtherIp(holder_key, Asset.Type.TRADEMARK, {
        "title": title, "abstract": DEMO_NOTE, "registration_number": number, "nice_classes": classes,
        "goods_services": goods, "registration_date": registered,
    })


def _copyright(holder_key: str, title: str, kind: str, number: str, *, version: str = "",
               category: str = "", completed: str, registered: str) -> OtherIp:
    return OtherIp(holder_key, Asset.Type.COPYRIGHT, {
        "title": title, "abstract": DEMO_NOTE, "kind": kind, "registration_number": number,
        "version": version, "work_category": category, "completion_date": completed,
        "registration_date": registered,
    })


def _gi(holder_key: str, title: str, about: str, region: str, category: str) -> OtherIp:
    return OtherIp(holder_key, Asset.Type.GI, {
        "title": title, "abstract": f"{about}\n{GI_NOTE}", "protected_region": region,
        "producer": "保护范围内经核准使用地理标志专用标志的生产者", "category": category,
    })


OTHER_IP: tuple[OtherIp, ...] = (
    _trademark("owner", "智联星 ZHILIANXING（示例商标）", "990000101", [9, 42],
               "计算机软件（已录制）；物联网网关；智能家居控制器；技术研究；软件设计与开发", "2019-06-14"),
    _trademark("zh-marine", "海韵鲜（示例商标）", "990000102", [29, 35],
               "鱼制食品；海参（非活）；海藻提取物制食品；广告；为他人推销", "2020-03-21"),
    _trademark("zs-home", "栖木居 QIMUJU（示例商标）", "990000103", [20, 24],
               "家具；木制或塑料制箱；床垫；纺织品制床罩；毛巾", "2018-11-07"),
    _trademark("hk-robotics", "港灣機械人 HARBOURBOT（示例商標）", "990000104", [7, 9],
               "工业机器人；搬运用机械手；机器人控制器（计算机硬件）", "2021-08-28"),
    _copyright("owner", "智联边缘计算网关管理软件（示例）", Copyright.Kind.SOFTWARE, "2023SR9900101",
               version="V2.0", completed="2023-02-10", registered="2023-04-18"),
    _copyright("hz-cloud", "云数数据治理平台软件（示例）", Copyright.Kind.SOFTWARE, "2022SR9900102",
               version="V3.1", completed="2022-05-30", registered="2022-08-09"),
    _copyright("university", "科研成果转化项目管理系统（示例）", Copyright.Kind.SOFTWARE, "2021SR9900103",
               version="V1.0", completed="2021-03-01", registered="2021-06-22"),
    _copyright("zh-marine", "湾区海洋生物科普插画集（示例）", Copyright.Kind.WORK, "国作登字-2022-F-99000104",
               category="美术作品", completed="2022-01-15", registered="2022-04-26"),
    _gi("gov-ip", "新会陈皮", "以新会柑的果皮晒制、陈化而成，讲究“陈久者良”。",
        "广东省江门市新会区", "农产品（陈皮）"),
    _gi("gov-ip", "增城丝苗米", "米粒细长、晶莹油润，煮饭香软的优质籼米。",
        "广东省广州市增城区", "粮食（大米）"),
    _gi("gov-ip", "化橘红", "以化州柚未成熟或近成熟果实的干燥外层果皮制成的传统中药材。",
        "广东省化州市", "中药材"),
    _gi("gov-agri", "英德红茶", "以英德茶区的茶树鲜叶制成的红茶，汤色红艳、香气浓郁。",
        "广东省英德市", "茶叶（红茶）"),
    _gi("gov-agri", "清远鸡", "清远传统地方鸡种，皮薄骨软、肉质嫩滑。",
        "广东省清远市", "禽类（鸡）"),
)


def create_other_ip(organisations: dict[str, Organisation], step: Callable[[], object] = lambda: None,
                    ) -> tuple[dict[str, list[Created]], list[Skipped]]:
    created: dict[str, list[Created]] = defaultdict(list)
    skipped: list[Skipped] = []
    for number, item in enumerate(OTHER_IP, start=1):
        step()
        try:
            parsed = parse_asset(item.ip_type, AssetValues.read(item.data))
        except ApplicationError as error:
            skipped.append(Skipped(f"demo {item.ip_type}", f"#{number}", describe(error)))
            continue
        asset = create_asset(organisations[item.holder_key], parsed)
        created[item.holder_key].append(Created(asset, parsed.detail_columns()))
    return dict(created), skipped
