"""IP insurance for the demo, through the insurance services.

The pool's insurer sells two products: a patent-enforcement cost cover (a base premium plus an
amount per patent, the cover a multiple of the premium) and a pledge-loan guarantee (a
percentage of the cover). A Zhongshan home-goods maker insured two of its patents and was paid
a claim, with its evidence, for the cost of suing an infringer; the borrower of the loan that later defaulted
bought the guarantee on it, which paid the insurer's share of the pool's compensation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.money import Money
from ipx.finance.models import Claim, InsuranceProduct, Loan, Policy
from ipx.finance.services import claims, insurance
from ipx.ledger.services import deposit_record

Product = InsuranceProduct
CURRENCY = "CNY"
ENFORCEMENT = insurance.ProductValues(
    name="专利执行保险（示例）", kind=Product.Kind.ENFORCEMENT,
    description="承保被保险人就保险专利被侵权提起诉讼、仲裁所支出的调查取证费、律师费和诉讼费。",
    premium_rule=Product.PremiumRule.PER_ASSET, premium_base="5000", premium_per_asset="2500",
    cover_rule=Product.CoverRule.MULTIPLE, cover_multiple="30", term_months="12")
GUARANTEE = insurance.ProductValues(
    name="知识产权质押融资保证保险（示例）", kind=Product.Kind.LOAN_GUARANTEE,
    description="借款人未按约定偿还质押贷款时，按风险补偿资金池约定的保险比例向贷款银行赔付损失。",
    premium_rule=Product.PremiumRule.PERCENT, premium_percent="1.50", cover_rule=Product.CoverRule.FIXED,
    cover_fixed="3000000", term_months="12")
CLAIMED, APPROVED = Decimal("128000.00"), Decimal("116000.00")
# The costs claimed, as the evidence image lists them (they add up to CLAIMED).
COSTS = (("notarised purchase of the copy", "8,000.00"), ("attorney's fees", "100,000.00"),
         ("court acceptance fee", "20,000.00"), ("total", "128,000.00"))


@dataclass(frozen=True, slots=True)
class Party:
    organisation: Organisation
    user: User


@dataclass(frozen=True, slots=True)
class Insured:
    products: list[InsuranceProduct]
    enforcement: Policy | None
    claim: Claim | None
    guarantee: Policy


def create_insurance(insurer: Party, holder: Party, defaulted: Loan, borrower: Party) -> Insured:
    """The products, the enforcement policy and its claim paid (when ``holder`` has patents),
    and the guarantee on ``defaulted`` (accepted or running), bought by its borrower."""
    products = [insurance.product_create(actor=insurer.user, insurer_id=insurer.organisation.pk, values=values)
                for values in (ENFORCEMENT, GUARANTEE)]
    enforcement, claim = _enforcement(insurer, holder, products[0])
    guarantee = insurance.policy_request(actor=borrower.user, policyholder_id=borrower.organisation.pk,
                                         product_id=products[1].pk, loan_id=defaulted.pk)
    _premium(borrower, guarantee, "DEMO-PREMIUM-0002")
    return Insured(products, enforcement, claim, guarantee)


def _premium(payer: Party, policy: Policy, reference: str) -> Policy:
    deposit_record(organisation=payer.organisation, money=Money(policy.premium, CURRENCY), actor=payer.user,
                   provider_reference=reference, memo="保险费 / insurance premium")
    return insurance.policy_pay(actor=payer.user, policy_id=policy.pk, key=f"demo-premium-{policy.pk}")


def _enforcement(insurer: Party, holder: Party, product: InsuranceProduct) -> tuple[Policy | None, Claim | None]:
    patents = list(Asset.objects.filter(holder=holder.organisation, ip_type=Asset.Type.PATENT).order_by("pk")[:2])
    if not patents:
        return None, None
    policy = insurance.policy_request(actor=holder.user, policyholder_id=holder.organisation.pk,
                                      product_id=product.pk, asset_ids=[asset.pk for asset in patents])
    policy = _premium(holder, policy, "DEMO-PREMIUM-0001")
    claim = claims.claim_file(
        actor=holder.user, policy_id=policy.pk, amount=str(CLAIMED),
        description=("我司发现某电商平台店铺销售的产品落入保险专利的保护范围，已委托律师公证取证并向"
                     "中山市中级人民法院提起侵权诉讼。申请赔付公证费、律师费及案件受理费，"
                     "法院受理通知书与律师费发票已提交保险公司核验。"), files=_evidence())
    claims.claim_approve(actor=insurer.user, claim_id=claim.pk, amount=str(APPROVED))
    return policy, claims.claim_pay(actor=insurer.user, claim_id=claim.pk)


def _evidence() -> list[SimpleUploadedFile]:
    """The claim's papers, summed up in one image (fictional, marked as demo)."""
    image = Image.new("RGB", (640, 300), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    draw.text((24, 24), "DEMO - fictional evidence", fill="black", font=font)
    draw.text((24, 60), "Patent enforcement costs claimed (CNY)", fill="black", font=font)
    for number, (what, amount) in enumerate(COSTS):
        top = 112 + 36 * number
        draw.text((40, top), what, fill="black", font=font)
        draw.text((560 - draw.textlength(amount, font=font), top), amount, fill="black", font=font)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return [SimpleUploadedFile("enforcement-costs.png", buffer.getvalue(), content_type="image/png")]


def history(insured: Insured, *, products_at: datetime, guarantee_at: datetime, enforcement_at: datetime,
            claim_at: datetime, default_at: datetime) -> list[tuple[Policy | Claim | InsuranceProduct, datetime]]:
    """When each row was made, for :func:`ipx.demo.finance_history.date_insurance`; the
    guarantee's payment on the daily run that defaulted its loan."""
    moments: list[tuple[Policy | Claim | InsuranceProduct, datetime]] = [
        (product, products_at) for product in insured.products]
    moments.append((insured.guarantee, guarantee_at))
    if insured.enforcement is not None and insured.claim is not None:
        moments += [(insured.enforcement, enforcement_at), (insured.claim, claim_at)]
    moments += [(claim, default_at) for claim in insured.guarantee.claims.all()]
    return moments
