"""A small serviced securitisation, built through the services as the exchange builds one.

The cast: an originator (an enterprise that licensed patents to five SMEs and services their
fees itself), a trustee (a financial institution: it holds the product's accounts and runs
the periods), a guarantor (a financial institution's shortfall-payment undertaking), two
investors holding the senior tranche (2,500,000 and 1,500,000) while the originator keeps the
subordinated one. Any organisation (with its administrator) may be passed in to cast an
existing one in that part.

The pool: five off-platform licence contracts (their documents kept), each four quarterly
instalments of 250,000 due on the 15th of June, September and December 2026 and March 2027,
5,000,000 in all after the 31 March 2026 cut-off. The structure: senior A 4,000,000 at 4 % a
year, subordinated B 1,000,000 without coupon, both to 31 March 2028; a trustee fee of 5,000 a
period, a servicing fee of 0.5 % a year of the pool; a reserve target of 100,000; the
guarantor's limit 500,000; asset coverage below 1.05 switches to sequential pay.

Period 1 (April to June 2026): four payers paid their 250,000; the fifth is late (marked so
by the servicer). The run pays both fees 5,000 each (the pool left 4,000,000), senior
interest 40,000 (25,000 and 15,000 to the investors), the reserve 100,000 and senior principal
850,000 (531,250 and 318,750); nothing is left for the subordinated tranche or the residual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ipx.accounts.models import Organisation, User
from ipx.core.money import Money
from ipx.finance.models import Period, Product, Receivable
from ipx.finance.securitisation.inputs import (
    CollectionIn,
    CollectionsIn,
    FeeIn,
    InstalmentIn,
    ProductIn,
    ReceivableIn,
    StructureIn,
    TrancheIn,
    TriggerIn,
)
from ipx.finance.securitisation.services import collections, issue, periods, pools, receivables, structure
from ipx.ledger import services as ledger_services
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import person
from ipx.testing.upload_files import pdf_upload

CUT_OFF = date(2026, 3, 31)
DUE_DATES = (date(2026, 6, 15), date(2026, 9, 15), date(2026, 12, 15), date(2027, 3, 15))
INSTALMENT = Decimal("250000.00")
PAYERS = ("佛山精密模具有限公司", "东莞智能传感科技有限公司", "中山照明电器有限公司", "惠州新能源材料有限公司",
          "江门数控装备有限公司")
MATURITY = date(2028, 3, 31)


@dataclass
class SecuritisationWorld:
    originator: Organisation
    originator_admin: User
    trustee: Organisation
    trustee_admin: User
    guarantor: Organisation
    guarantor_admin: User
    investor_a: Organisation
    investor_a_admin: User
    investor_b: Organisation
    investor_b_admin: User
    product: Product
    period: Period
    late: Receivable  # the payer that did not pay in period 1
    receivables: list[Receivable] = field(default_factory=list)


def fund(organisation: Organisation, amount: str, note: str) -> None:
    ledger_services.deposit_record(organisation=organisation, money=Money(Decimal(amount), "CNY"),
                                   provider_reference=f"abs-{organisation.pk}-{note}")


def _party(organisation: Organisation | None, admin: User | None, *, name: str, kind: str, email: str
           ) -> tuple[Organisation, User]:
    if organisation is not None and admin is not None:
        return organisation, admin
    made = OrganisationFactory.create(name=name, kind=kind)
    return made, person(email, name, made)


def contract_receivable(originator: Organisation, admin: User, payer: str, *, number: int,
                        due: tuple[date, ...] = DUE_DATES, amount: Decimal = INSTALMENT,
                        currency: str = "CNY") -> Receivable:
    """An off-platform sub-licence contract with ``payer``: ``amount`` on each of the ``due`` dates."""
    return receivables.receivable_add(actor=admin, values=ReceivableIn(
        originator_id=originator.pk, source=Receivable.Source.CONTRACT, payer_name=payer,
        contract_reference=f"SL-2026-{number:03d}", contract_file=pdf_upload(f"sub-licence-{number}.pdf"),
        currency=currency, description="专利分许可使用费", schedule=[InstalmentIn(d, str(amount)) for d in due]))


def senior_subordinated(senior: str = "4000000.00", subordinated: str = "1000000.00", *, trustee: Organisation,
                        servicer: Organisation, guarantor: Organisation | None) -> StructureIn:
    return StructureIn(
        tranches=[TrancheIn("A", "senior", senior, "4", MATURITY.isoformat(), 1),
                  TrancheIn("B", "subordinated", subordinated, "0", MATURITY.isoformat(), 2)],
        fees=[FeeIn("trustee", trustee.pk, amount="5000"), FeeIn("servicer", servicer.pk, rate_percent="0.5")],
        triggers=[TriggerIn("coverage", "asset_coverage", "1.05", "sequential")],
        reserve_target="100000", guarantor_id=guarantor.pk if guarantor is not None else None,
        guarantee_limit="500000" if guarantor is not None else "0")


def collect_and_run(product: Product, number: int, *, servicer_admin: User, trustee_admin: User,
                    unpaid: Iterable[Receivable] = (), key: str = "") -> Period:
    """Period ``number`` serviced: every payer but the ``unpaid`` pays what falls due in the
    period (and is still owed); the servicer records it and the trustee runs the waterfall."""
    starts, ends = collections.period_dates(product, number)
    skipped = {receivable.pk for receivable in unpaid}
    due = [row for row in collections.pooled_instalments(product)
           if starts <= row.due_on <= ends and row.receivable_id not in skipped and row.outstanding > 0
           and row.receivable.status in (Receivable.Status.CURRENT, Receivable.Status.LATE)]
    collections.collections_record(actor=servicer_admin, key=f"{key}-p{number}" if key else "", values=CollectionsIn(
        product_id=product.pk, number=number, collections=[CollectionIn(row.pk, str(row.outstanding)) for row in due]))
    return periods.period_run(actor=trustee_admin, product_id=product.pk, number=number,
                              key=f"{key}-run-{number}" if key else "")


def build_securitisation_world(
    *, originator: Organisation | None = None, originator_admin: User | None = None,
    trustee: Organisation | None = None, trustee_admin: User | None = None,
    guarantor: Organisation | None = None, guarantor_admin: User | None = None,
    investor_a: Organisation | None = None, investor_a_admin: User | None = None,
    investor_b: Organisation | None = None, investor_b_admin: User | None = None,
    tag: str = "abs",
) -> SecuritisationWorld:
    """The serviced product above; ``tag`` keeps the people's addresses apart between worlds."""
    financial = Organisation.Kind.FINANCIAL
    originator, originator_admin = _party(originator, originator_admin, name="广州专利运营有限公司",
                                          kind=Organisation.Kind.ENTERPRISE, email=f"{tag}-originator@example.cn")
    trustee, trustee_admin = _party(trustee, trustee_admin, name="粤信托管理有限公司", kind=financial,
                                    email=f"{tag}-trustee@example.cn")
    guarantor, guarantor_admin = _party(guarantor, guarantor_admin, name="广州融资担保有限公司", kind=financial,
                                        email=f"{tag}-guarantor@example.cn")
    investor_a, investor_a_admin = _party(investor_a, investor_a_admin, name="南方资产管理有限公司", kind=financial,
                                          email=f"{tag}-investor-a@example.cn")
    investor_b, investor_b_admin = _party(investor_b, investor_b_admin, name="珠江理财有限公司", kind=financial,
                                          email=f"{tag}-investor-b@example.cn")
    pooled = [contract_receivable(originator, originator_admin, payer, number=n)
              for n, payer in enumerate(PAYERS, start=1)]
    product = pools.product_create(actor=originator_admin, values=ProductIn(
        originator_id=originator.pk, name="广州开发区专利许可资产支持专项计划", trustee_id=trustee.pk,
        servicer_id=originator.pk, cut_off=CUT_OFF.isoformat()))
    pools.pool_select(actor=originator_admin, product_id=product.pk, receivable_ids=[r.pk for r in pooled])
    structure.product_structure(actor=originator_admin, product_id=product.pk, values=senior_subordinated(
        trustee=trustee, servicer=originator, guarantor=guarantor))
    senior, subordinated = product.tranches.order_by("priority")
    for investor, admin, amount in ((investor_a, investor_a_admin, "2500000"),
                                    (investor_b, investor_b_admin, "1500000")):
        fund(investor, amount, f"{tag}-subscription")
        issue.subscription_add(actor=admin, product_id=product.pk, tranche_id=senior.pk, investor_id=investor.pk,
                               amount=amount)
    fund(originator, "1000000", f"{tag}-retained")
    issue.subscription_add(actor=originator_admin, product_id=product.pk, tranche_id=subordinated.pk,
                           investor_id=originator.pk, amount="1000000")
    fund(guarantor, "500000", f"{tag}-guarantee")
    issue.product_issue(actor=originator_admin, product_id=product.pk, key=f"{tag}-issue")
    late = pooled[-1]
    receivables.receivable_mark(actor=originator_admin, receivable_id=late.pk, status=Receivable.Status.LATE)
    period = collect_and_run(product, 1, servicer_admin=originator_admin, trustee_admin=trustee_admin,
                             unpaid=[late], key=tag)
    product.refresh_from_db()
    late.refresh_from_db()
    return SecuritisationWorld(originator=originator, originator_admin=originator_admin, trustee=trustee,
                               trustee_admin=trustee_admin, guarantor=guarantor, guarantor_admin=guarantor_admin,
                               investor_a=investor_a, investor_a_admin=investor_a_admin, investor_b=investor_b,
                               investor_b_admin=investor_b_admin, product=product, period=period, late=late,
                               receivables=pooled)
