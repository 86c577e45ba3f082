"""The demo's organisations: fictional members (named "（示例）" / "(Demo)") of every kind and
region, plus the real applicant of the CNIPA records. Registered, verified and rejected
through the members' services like any sign-up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ipx.accounts.inputs import OrganisationInput, OrganisationValues
from ipx.accounts.models import Organisation, User
from ipx.accounts.regions import RegionKind
from ipx.accounts.services import organisation_register, organisation_reject, organisation_verify

K = Organisation.Kind
R = RegionKind

FICTIONAL_NOTE = "演示数据：本机构为虚构的示例机构。"
HOLDER_NOTE = "名下展示的专利为公开的真实专利文献，其真实权利人以国家知识产权局的登记为准。"
USCC_NOTE = "统一社会信用代码为公开的有效校验样例，仅用于演示，并非本机构的登记代码。"


@dataclass(frozen=True, slots=True)
class OrgSpec:
    key: str  # stable handle; also the local part of its administrator's login
    name: str
    kind: str
    region_kind: str
    province: str = ""
    city: str = ""
    country: str = ""
    name_en: str = ""
    # Patents whose first IPC section is one of these go to this holder; "" holds none.
    ipc_sections: str = ""
    # Relative share of the patents this holder receives among those it competes for.
    weight: int = 0
    status: str = Organisation.Status.VERIFIED
    rejection_reason: str = ""
    about: str = ""

    @property
    def needs_uscc(self) -> bool:
        return self.region_kind == R.MAINLAND and self.kind != K.INDIVIDUAL

    @property
    def holds_patents(self) -> bool:
        return bool(self.ipc_sections) and self.weight > 0

    @property
    def language(self) -> str:
        if self.region_kind in (R.HONG_KONG, R.MACAO, R.TAIWAN):
            return "zh-hant"
        return "zh-hans" if self.region_kind == R.MAINLAND else "en"

    def description(self, *, fictional: bool) -> str:
        notes = [self.about]
        if fictional:
            notes.append(FICTIONAL_NOTE)
            if self.holds_patents:
                notes.append(HOLDER_NOTE)
        if self.needs_uscc:
            notes.append(USCC_NOTE)
        return "\n".join(note for note in notes if note)


GD = "44"
PENDING = Organisation.Status.PENDING
# The institute that holds the ten CNIPA records; it is named after their real applicant.
CNIPA_HOLDER_KEY = "zkbigdata"

ORGANISATIONS: tuple[OrgSpec, ...] = (
    # --- Rights holders: enterprises ---
    OrgSpec("owner", "深圳智联电子科技有限公司（示例）", K.ENTERPRISE, R.MAINLAND, GD, "深圳",
            name_en="Shenzhen Zhilian Electronics Co., Ltd. (Demo)",
            ipc_sections="GH", weight=4,
            about="电子信息与物联网终端研发企业，提供专利转让、许可与先用后付合作。"),
    OrgSpec("gz-materials", "广州湾区新材料科技有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "广州", name_en="Guangzhou Bay Area New Materials Co., Ltd. (Demo)",
            ipc_sections="C", weight=4, about="新材料与精细化工企业。"),
    OrgSpec("fs-equipment", "佛山精工装备制造有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "佛山", name_en="Foshan Precision Equipment Manufacturing Co., Ltd. (Demo)",
            ipc_sections="BF", weight=4, about="智能装备与机械制造企业。"),
    OrgSpec("dg-mechatronics", "东莞智造机电有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "东莞", name_en="Dongguan Smart Mechatronics Co., Ltd. (Demo)",
            ipc_sections="BH", weight=3),
    OrgSpec("zh-marine", "珠海海洋生物科技有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "珠海", name_en="Zhuhai Marine Biotech Co., Ltd. (Demo)",
            ipc_sections="AC", weight=3),
    OrgSpec("zs-home", "中山绿色家居有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "中山", name_en="Zhongshan Green Home Furnishing Co., Ltd. (Demo)",
            ipc_sections="ADE", weight=3),
    OrgSpec("hz-battery", "惠州新能源电池有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "惠州", name_en="Huizhou New Energy Battery Co., Ltd. (Demo)",
            ipc_sections="HC", weight=3),
    OrgSpec("jm-rail", "江门轨道交通装备有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            GD, "江门", name_en="Jiangmen Rail Transit Equipment Co., Ltd. (Demo)",
            ipc_sections="BE", weight=2),
    OrgSpec("hz-cloud", "杭州云数信息技术有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            "33", "杭州", name_en="Hangzhou Cloud Data Technology Co., Ltd. (Demo)",
            ipc_sections="G", weight=3),
    OrgSpec("sz-instruments", "苏州精密仪器有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            "32", "苏州", name_en="Suzhou Precision Instruments Co., Ltd. (Demo)",
            ipc_sections="G", weight=2),
    OrgSpec("sh-biomed", "上海生物医药研发有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            "31", "上海", name_en="Shanghai Biomedical R&D Co., Ltd. (Demo)",
            ipc_sections="AC", weight=3),
    OrgSpec("cd-environment", "成都环境工程有限公司（示例）", K.ENTERPRISE, R.MAINLAND,
            "51", "成都", name_en="Chengdu Environmental Engineering Co., Ltd. (Demo)",
            ipc_sections="EF", weight=2),
    OrgSpec("hk-robotics", "港灣機械人有限公司（示例）", K.ENTERPRISE, R.HONG_KONG,
            city="香港", name_en="Harbour Robotics Limited (Demo)",
            ipc_sections="BG", weight=2),
    OrgSpec("tw-optics", "寶島精密光電股份有限公司（示例）", K.ENTERPRISE, R.TAIWAN,
            city="新竹", name_en="Formosa Precision Optoelectronics Corp. (Demo)",
            ipc_sections="GH", weight=2),
    OrgSpec("de-drives", "Rhein Antriebstechnik GmbH (Demo)", K.ENTERPRISE, R.OVERSEAS,
            city="München", country="DE", name_en="Rhein Antriebstechnik GmbH (Demo)",
            ipc_sections="FB", weight=1),
    # --- Rights holders: universities and research institutes ---
    OrgSpec("university", "粤港澳大湾区理工大学（示例）", K.UNIVERSITY, R.MAINLAND,
            GD, "广州", name_en="Greater Bay Area University of Technology (Demo)",
            ipc_sections="ABCDEFGH", weight=5,
            about="理工科研究型大学，成果转化办公室统一对外许可与转让专利。"),
    OrgSpec("sz-institute", "深圳先进制造研究院（示例）", K.UNIVERSITY, R.MAINLAND,
            GD, "深圳", name_en="Shenzhen Institute of Advanced Manufacturing (Demo)",
            ipc_sections="BGH", weight=4),
    OrgSpec(CNIPA_HOLDER_KEY, "中科大数据研究院", K.UNIVERSITY, R.MAINLAND, "41", "郑州",
            about="科研机构。本机构名下的专利为国家知识产权局公开的真实著录数据。"),
    OrgSpec("mo-university", "澳門創新科技大學（示例）", K.UNIVERSITY, R.MACAO,
            city="澳門", name_en="Macao University of Innovation and Technology (Demo)",
            ipc_sections="AG", weight=2),
    OrgSpec("bj-university", "北京工程技术大学（示例）", K.UNIVERSITY, R.MAINLAND,
            "11", "北京", name_en="Beijing University of Engineering and Technology (Demo)",
            ipc_sections="ACEGH", weight=4),
    OrgSpec("wh-institute", "武汉光电技术研究所（示例）", K.UNIVERSITY, R.MAINLAND,
            "42", "武汉", name_en="Wuhan Institute of Optoelectronic Technology (Demo)",
            ipc_sections="GH", weight=3),
    # --- Rights holders: individual inventors ---
    OrgSpec("inventor-fs", "独立发明人 陈工（示例）", K.INDIVIDUAL, R.MAINLAND, GD, "佛山",
            ipc_sections="BF", weight=1),
    OrgSpec("inventor-xm", "独立发明人 林工（示例）", K.INDIVIDUAL, R.MAINLAND, "35", "厦门",
            ipc_sections="AB", weight=1),
    # --- Buyers and licensees ---
    OrgSpec("buyer", "佛山美居家电有限公司（示例）", K.ENTERPRISE, R.MAINLAND, GD, "佛山",
            name_en="Foshan Meiju Home Appliances Co., Ltd. (Demo)",
            about="家电制造企业，寻求智能控制与节能技术。"),
    OrgSpec("sg-medtech", "Lion City Medtech Pte. Ltd. (Demo)", K.ENTERPRISE, R.OVERSEAS,
            city="Singapore", country="SG", name_en="Lion City Medtech Pte. Ltd. (Demo)"),
    OrgSpec("jp-components", "さくら電子部品株式会社（デモ）", K.ENTERPRISE, R.OVERSEAS,
            city="大阪", country="JP", name_en="Sakura Electronic Components K.K. (Demo)"),
    OrgSpec("us-technologies", "Pacific Bridge Technologies Inc. (Demo)", K.ENTERPRISE,
            R.OVERSEAS, city="San Jose", country="US",
            name_en="Pacific Bridge Technologies Inc. (Demo)"),
    # --- IP service agencies ---
    OrgSpec("agent", "湾区知识产权代理有限公司（示例）", K.AGENCY, R.MAINLAND, GD, "广州",
            name_en="Bay Area IP Agency Co., Ltd. (Demo)",
            about="专利代理、价值评估与交易撮合。"),
    OrgSpec("mo-agency", "澳門知識產權服務有限公司（示例）", K.AGENCY, R.MACAO, city="澳門",
            name_en="Macao IP Services Limited (Demo)"),
    OrgSpec("fr-agency", "Cabinet Lumière Propriété Industrielle (Démo)", K.AGENCY, R.OVERSEAS,
            city="Paris", country="FR", name_en="Cabinet Lumière IP (Demo)"),
    OrgSpec("appraiser", "湾区知识产权资产评估有限公司（示例）", K.AGENCY, R.MAINLAND, GD, "深圳",
            name_en="Bay Area IP Asset Appraisal Co., Ltd. (Demo)",
            about="知识产权资产评估：收益法（许可费节省法）、成本法与市场法，出具质押融资评估报告。"),
    # --- Financial institutions ---
    OrgSpec("banker", "湾区科技银行股份有限公司（示例）", K.FINANCIAL, R.MAINLAND, GD, "深圳",
            name_en="Bay Area Technology Bank Co., Ltd. (Demo)",
            about="提供知识产权质押融资与科技信贷服务。"),
    OrgSpec("hk-insurer", "香港創新保險有限公司（示例）", K.FINANCIAL, R.HONG_KONG,
            city="香港", name_en="Hong Kong Innovation Insurance Limited (Demo)"),
    OrgSpec("gz-guarantee", "广州知识产权融资担保有限公司（示例）", K.FINANCIAL, R.MAINLAND,
            GD, "广州", name_en="Guangzhou IP Financing Guarantee Co., Ltd. (Demo)"),
    OrgSpec("lender", "珠江创新银行股份有限公司（示例）", K.FINANCIAL, R.MAINLAND, GD, "广州",
            name_en="Pearl River Innovation Bank Co., Ltd. (Demo)",
            about="科技支行专营知识产权质押贷款，入池风险补偿资金池。"),
    OrgSpec("insurer", "粤信科技保险股份有限公司（示例）", K.FINANCIAL, R.MAINLAND, GD, "广州",
            name_en="Yuexin Technology Insurance Co., Ltd. (Demo)",
            about="知识产权保险：专利执行保险、知识产权质押融资保证保险。"),
    # --- High-tech parks and government bodies ---
    OrgSpec("zh-park", "珠江口高新技术产业园（示例）", K.PARK, R.MAINLAND, GD, "珠海",
            name_en="Pearl River Estuary High-tech Park (Demo)"),
    OrgSpec("nb-park", "甬江科创园（示例）", K.PARK, R.MAINLAND, "33", "宁波",
            name_en="Yongjiang Science and Innovation Park (Demo)"),
    OrgSpec("gov-ip", "湾区知识产权促进中心（示例）", K.GOVERNMENT, R.MAINLAND, GD, "广州",
            name_en="Bay Area IP Promotion Centre (Demo)"),
    OrgSpec("gov-agri", "粤北农业发展服务中心（示例）", K.GOVERNMENT, R.MAINLAND, GD, "清远",
            name_en="North Guangdong Agricultural Development Centre (Demo)",
            about="推广本地地理标志产品，受理专用标志使用咨询。"),
    # --- Waiting for the operator ---
    OrgSpec("st-toys", "汕头创意玩具有限公司（示例）", K.ENTERPRISE, R.MAINLAND, GD, "汕头",
            name_en="Shantou Creative Toys Co., Ltd. (Demo)", status=PENDING),
    OrgSpec("se-energy", "Nordic Clean Energy AB (Demo)", K.ENTERPRISE, R.OVERSEAS,
            city="Stockholm", country="SE", name_en="Nordic Clean Energy AB (Demo)",
            status=PENDING),
    OrgSpec("inventor-hk", "獨立發明人 黃先生（示例）", K.INDIVIDUAL, R.HONG_KONG, city="香港",
            status=PENDING),
    OrgSpec("cs-trading", "长沙示例贸易有限公司", K.ENTERPRISE, R.MAINLAND, "43", "长沙",
            status=Organisation.Status.REJECTED,
            rejection_reason="上传的营业执照名称与填写的机构名称不一致，请核对后重新提交。"),
)


def spec(key: str) -> OrgSpec:
    for candidate in ORGANISATIONS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def _preferred_prefix(org: OrgSpec) -> str:
    # GB 32100: the first digit is the registering authority (1 public bodies, 9 market
    # regulators), the second the category (1 enterprise / public institution).
    return "1" if org.kind in (K.UNIVERSITY, K.GOVERNMENT) else "91"


def _fit(code: str, org: OrgSpec, other_provinces: set[str]) -> int:
    """How well a sample code suits ``org``: 0 is best."""
    same_province = code[2:4] == org.province
    same_authority = code.startswith(_preferred_prefix(org))
    if same_province:
        return 0 if same_authority else 1
    if code[2:4] not in other_provinces:
        return 2 if same_authority else 3
    return 4


def assign_usccs(orgs: Iterable[OrgSpec], codes: list[str]) -> dict[str, str]:
    """One real, valid code per mainland organisation, the same on every run.

    The sample codes belong to real bodies elsewhere. A code from the organisation's own
    province (characters 3–4) and kind of registering authority is taken where the sample
    has one; otherwise one from a province no demo organisation is in, so that no code
    seems to place an organisation in another demo organisation's province.
    """
    mainland = [org for org in orgs if org.needs_uscc]
    provinces = {org.province for org in mainland}
    free = list(codes)
    assigned: dict[str, str] = {}
    for org in mainland:
        if not free:
            raise ValueError("too few sample Unified Social Credit Codes for the demo")
        # min() keeps the first of equally good codes, so file order breaks ties.
        choice = min(free, key=lambda code: _fit(code, org, provinces))
        free.remove(choice)
        assigned[org.key] = choice
    return assigned


def register_organisations(admins: dict[str, User],
                           usccs: dict[str, str]) -> dict[str, Organisation]:
    """Every organisation, registered by its administrator (still pending verification)."""
    registered: dict[str, Organisation] = {}
    for org in ORGANISATIONS:
        details = OrganisationInput.parse(OrganisationValues(
            name=org.name, kind=org.kind, region_kind=org.region_kind, province=org.province, city=org.city,
            country=org.country, uscc=usccs.get(org.key, ""), name_en=org.name_en,
            description=org.description(fictional=org.key != CNIPA_HOLDER_KEY),
        ))
        registered[org.key] = organisation_register(user=admins[org.key], organisation=details)
    return registered


def review_organisations(registered: dict[str, Organisation], operator: User) -> None:
    """The operator's decisions; the rest stays in the verification queue."""
    for org in ORGANISATIONS:
        organisation_id = registered[org.key].pk
        if org.status == Organisation.Status.VERIFIED:
            registered[org.key] = organisation_verify(organisation_id=organisation_id,
                                                      operator=operator)
        elif org.status == Organisation.Status.REJECTED:
            registered[org.key] = organisation_reject(organisation_id=organisation_id,
                                                      operator=operator,
                                                      reason=org.rejection_reason)
