"""Technology demands for the demo: what the demo enterprises are looking for, written as
members would (eight in Simplified Chinese, one in Traditional, three in English from
overseas members; one is anonymous), each posted, submitted and approved through the demand
services.

Their matches are ranked at the end of the load (``compute_demo_matches``) by words, meaning
and facts: the vectors of the catalogue and of these demands ship with the demo
(``vectors.py``; embedding them takes about ten minutes on 2 cores). Without them (a refused
file, the model switched off) the ranking is by words and facts, and a background task
embeds what is missing and ranks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.demo.organisations import GD
from ipx.matching.demands.inputs import DemandInput
from ipx.matching.demands.services import demand_approve, demand_create, demand_submit
from ipx.matching.matches.services import Outcome, matches_recompute
from ipx.matching.models import Demand


@dataclass(frozen=True, slots=True)
class DemandSpec:
    org_key: str
    title: str
    description: str
    ipc_codes: tuple[str, ...]
    budget: tuple[str | None, str | None, str]  # from, up to, currency
    region: tuple[str, str, str] = ("any", "", "")  # region kind, province, country
    days: int = 180  # deadline, days from the load
    anonymous: bool = False


DEMANDS: tuple[DemandSpec, ...] = (
    DemandSpec(
        "buyer", "寻求空调器智能控制与节能运行技术",
        "我司生产家用及商用空调器，希望引进能根据用户使用习惯自动调节运行模式的智能控制技术，"
        "以及变频器、新风与空调一体机的控制方法，降低整机能耗、提升舒适度。可接受专利转让或独占许可，"
        "需能在一年内导入量产机型。",
        ("F24F",), ("300000", "1500000", "CNY"), ("mainland", GD, ""), days=240,
    ),
    DemandSpec(
        "buyer", "洗衣机减振降噪与防溢结构改进技术",
        "计划升级滚筒洗衣机产品线，寻找能降低脱水时振动和噪声、防止泡沫外溢的结构设计或驱动装置专利，"
        "也关注自动漂洗与智能投放的控制方法。优先考虑已授权的发明或实用新型专利。",
        ("D06F",), ("200000", "800000", "CNY"), days=200, anonymous=True,
    ),
    DemandSpec(
        "hz-battery", "动力电池包散热与热管理方案",
        "面向储能电站和新能源汽车的电池包，寻求高效散热装置、电池热管理与温度监测技术，"
        "要求在大倍率充放电时控制电芯温差，提高电池寿命和安全性。接受技术许可与联合开发。",
        ("H01M",), ("500000", "2000000", "CNY"), days=300,
    ),
    DemandSpec(
        "zs-home", "低能耗生活污水一体化处理设备",
        "为园区和乡镇配套寻找低能耗、占地小的生活污水处理装置，要求出水稳定达标、活性污泥量少、"
        "运行维护简单，最好具备远程监控功能。可采购专利或先用后付。",
        ("C02F",), ("200000", "600000", "CNY"), ("mainland", GD, ""), days=150,
    ),
    DemandSpec(
        "hk-robotics", "尋求軌道及設備巡檢機器人技術",
        "本公司為港鐵及數據中心提供自動化巡檢服務，現尋求軌道巡檢機器人、設備巡檢機器人的結構設計、"
        "自主導航與故障檢測技術，包括機器人外殼、集控裝置及充電系統。可接受專利轉讓或授權。",
        ("B25J",), ("1000000", "3000000", "HKD"), days=270,
    ),
    DemandSpec(
        "sg-medtech", "Removing ammonia nitrogen from hospital wastewater",
        "We operate wastewater treatment for hospitals in Singapore and look for a proven process or "
        "equipment that removes ammonia nitrogen and total nitrogen from medical wastewater at low energy "
        "cost, ideally with sensor-based monitoring. We would license the patents for Southeast Asia.",
        ("C02F",), ("50000", "200000", "USD"), days=210,
    ),
    DemandSpec(
        "us-technologies", "Battery thermal management for home energy storage",
        "We integrate residential and commercial energy storage systems in California and look for "
        "battery pack cooling designs and thermal management methods that keep cell temperatures even "
        "during fast charging and discharging, with temperature monitoring to extend battery life and "
        "prevent thermal runaway. Licence or co-development for the US market.",
        ("H01M",), ("100000", "400000", "USD"), days=240,
    ),
    DemandSpec(
        "jp-components", "Automated visual inspection of surface defects on small electronic parts",
        "Our plant in Osaka inspects connector terminals and films by eye. We want a machine vision "
        "method and device that detects appearance, dimension and surface defects on small parts at "
        "production-line speed with few false alarms. We would license patents or work with a university.",
        ("G06T", "G01N"), ("80000", "300000", "USD"), days=200,
    ),
    DemandSpec(
        "dg-mechatronics", "基于机器视觉的产品外观缺陷自动检测",
        "产线需要替代人工目检：寻求基于机器视觉的外观、尺寸与表面缺陷检测方法和装置，适用于端子、"
        "胶片等小型零部件，检测节拍不低于每分钟六十件，误检率低。欢迎高校及研究院所合作。",
        ("G06T", "G01N"), ("300000", "1000000", "CNY"), ("mainland", GD, ""), days=180,
    ),
    DemandSpec(
        "zh-park", "透水混凝土及高性能混凝土制品技术",
        "园区推进海绵城市改造，为入园建材企业寻找透水混凝土配方与制备方法，以及混凝土制品养护、"
        "再生利用相关技术，要求强度与透水系数兼顾。",
        ("C04B",), ("100000", "500000", "CNY"), days=120,
    ),
    DemandSpec(
        "fs-equipment", "光伏板自动清洁与除尘除雪装置",
        "我司为分布式光伏电站提供运维设备，寻求光伏组件表面自动清洁、吹尘除雪的装置及控制技术，"
        "要求节水、适合屋顶安装，并能降低发电损失。",
        ("H02S",), ("200000", "1000000", "CNY"), days=180,
    ),
    DemandSpec(
        "jm-rail", "无人机巡检与精准定位技术",
        "用于铁路沿线与变电站巡检，寻找无人机结构、系留供电与光学定位技术，要求在复杂电磁环境下"
        "稳定悬停并精确定位，可搭载红外与可见光相机。",
        ("B64C", "G01S"), ("500000", "2000000", "CNY"), days=240,
    ),
)


def demand_values(spec: DemandSpec, today: date) -> dict[str, object]:
    low, high, currency = spec.budget
    kind, province, country = spec.region
    return {
        "title": spec.title, "description": spec.description, "ipc_codes": list(spec.ipc_codes),
        "budget_min_amount": low, "budget_max_amount": high, "budget_currency": currency,
        "region_kind": kind, "province": province, "country": country,
        "deadline": today + timedelta(days=spec.days),
        "visibility": Demand.Visibility.ANONYMOUS if spec.anonymous else Demand.Visibility.PUBLIC,
    }


def create_demands(organisations: dict[str, Organisation], admins: dict[str, User], operator: User) -> list[Demand]:
    """Every demo demand, posted by its organisation's administrator and published."""
    today = timezone.localdate()
    demands: list[Demand] = []
    for spec in DEMANDS:
        admin = admins[spec.org_key]
        demand = demand_create(organisation_id=organisations[spec.org_key].pk, actor=admin,
                               demand=DemandInput.parse(demand_values(spec, today)))
        demand_submit(demand_id=demand.pk, actor=admin)
        demands.append(demand_approve(demand_id=demand.pk, operator=operator))
    return demands


def compute_demo_matches(demands: list[Demand]) -> list[Outcome]:
    """Rank the listings for each demo demand now (the load drops the events that would)."""
    return [matches_recompute(demand_id=demand.pk) for demand in demands]
