"""An IP securitisation for the demo, built through the services so that its events, ledger
postings and waterfall payments are the real ones.

It follows the public patent-licence structure of the Guangzhou development zone's first pure
patent ABS: a patent-operating institute licenses patents from their owners and sub-licenses them
to a dozen SMEs; the sub-licence fees (about ¥300 m over three years, quarterly) are the
receivables, entered from the off-platform sub-licence contracts with their documents. The
product pools them at a cut-off ten months ago; a senior tranche (85 %, 3.2 % a year) is sold to
two financial institutions and the subordinated tranche (15 %, no coupon) kept by the
originator; a guarantee company gives the shortfall-payment undertaking (差额支付承诺); the
trustee's and servicer's fees, a reserve and an asset-coverage trigger complete it. Three
quarters have been serviced: one SME has paid nothing since its first quarter (the servicer marked
it late), and the trustee ran each period's waterfall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from pypdf import PdfWriter

from ipx.accounts.models import Organisation, User
from ipx.core.dates import add_months
from ipx.core.money import Money
from ipx.finance.models import Product, Receivable, Tranche
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
from ipx.ledger.services import deposit_record

CURRENCY = "CNY"
ORIGINATOR, TRUSTEE, GUARANTOR = "sz-institute", "lender", "gz-guarantee"
# The senior notes' buyers and what each takes.
INVESTORS = (("banker", Decimal("150000000.00")), ("hk-insurer", Decimal("105000000.00")))
# The SMEs that sub-license the patents, with the sub-licence fee of each over three years (¥ m).
PAYERS = (("gz-materials", 30), ("fs-equipment", 28), ("dg-mechatronics", 27), ("zh-marine", 26),
          ("zs-home", 25), ("hz-battery", 25), ("jm-rail", 24), ("st-toys", 24), ("buyer", 23),
          ("owner", 23), ("hz-cloud", 23), ("sz-instruments", 22))
LATE_PAYER = "st-toys"
QUARTERS = 12
SENIOR, SUBORDINATED = Decimal("255000000.00"), Decimal("45000000.00")
SERVICED = 3
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Securitised:
    product: Product
    receivables: list[Receivable]
    late: Receivable


def _contract(number: int) -> SimpleUploadedFile:
    """The sub-licence contract's scan: a one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"专利分许可合同 SL-{number:03d}"})
    out = BytesIO()
    writer.write(out)
    return SimpleUploadedFile(f"sub-licence-SL-{number:03d}.pdf", out.getvalue(), content_type="application/pdf")


def _schedule(cut_off: date, total_million: int) -> list[InstalmentIn]:
    """Twelve quarterly fees on the 15th of each quarter's last month; the last takes the cents."""
    total = Decimal(total_million) * MILLION
    each = (total / QUARTERS).quantize(Decimal("0.01"))
    amounts = [each] * (QUARTERS - 1) + [total - each * (QUARTERS - 1)]
    return [InstalmentIn(due_on=add_months(cut_off, 3 * (q + 1)).replace(day=15).isoformat(), amount=str(amount))
            for q, amount in enumerate(amounts)]


def _fund(organisation: Organisation, admin: User, amount: Decimal, reference: str) -> None:
    deposit_record(organisation=organisation, money=Money(amount, CURRENCY), provider_reference=reference,
                   actor=admin, memo="资产支持证券 / asset-backed securities")


def create_securitisation(organisations: dict[str, Organisation], admins: dict[str, User]) -> Securitised:
    originator, admin = organisations[ORIGINATOR], admins[ORIGINATOR]
    trustee, guarantor = organisations[TRUSTEE], organisations[GUARANTOR]
    today = timezone.localdate()
    # The last day of the month ten months back: three quarters have ended since.
    cut_off = add_months(today.replace(day=1), -9) - timedelta(days=1)
    made = [receivables.receivable_add(actor=admin, values=ReceivableIn(
        originator_id=originator.pk, source=Receivable.Source.CONTRACT, payer_id=organisations[key].pk,
        contract_reference=f"SL-{number:03d}", contract_file=_contract(number), currency=CURRENCY,
        description="专利分许可使用费 / patent sub-licence fees", schedule=_schedule(cut_off, millions)))
        for number, (key, millions) in enumerate(PAYERS, start=1)]
    product = pools.product_create(actor=admin, values=ProductIn(
        originator_id=originator.pk, name="湾区专利许可资产支持专项计划（示例）", trustee_id=trustee.pk,
        servicer_id=originator.pk, cut_off=cut_off.isoformat(), concentration_percent="12"))
    pools.pool_select(actor=admin, product_id=product.pk, receivable_ids=[r.pk for r in made])
    maturity = add_months(cut_off, 42).isoformat()
    structure.product_structure(actor=admin, product_id=product.pk, values=StructureIn(
        tranches=[TrancheIn("优先级 A", Tranche.Seniority.SENIOR, str(SENIOR), "3.2", maturity, 1),
                  TrancheIn("次级 B", Tranche.Seniority.SUBORDINATED, str(SUBORDINATED), "0", maturity, 2)],
        fees=[FeeIn("计划管理费", trustee.pk, rate_percent="0.1"), FeeIn("资产服务费", originator.pk, amount="50000")],
        triggers=[TriggerIn("资产覆盖倍数", "asset_coverage", "1.05", "sequential")],
        reserve_target="3000000", guarantor_id=guarantor.pk, guarantee_limit="30000000"))
    senior, subordinated = product.tranches.order_by("priority")
    for key, amount in INVESTORS:
        _fund(organisations[key], admins[key], amount, f"DEMO-ABS-{key}")
        issue.subscription_add(actor=admins[key], product_id=product.pk, tranche_id=senior.pk,
                               investor_id=organisations[key].pk, amount=str(amount))
    _fund(originator, admin, SUBORDINATED, "DEMO-ABS-RETAINED")
    issue.subscription_add(actor=admin, product_id=product.pk, tranche_id=subordinated.pk,
                           investor_id=originator.pk, amount=str(SUBORDINATED))
    _fund(guarantor, admins[GUARANTOR], Decimal("30000000.00"), "DEMO-ABS-GUARANTEE")
    issue.product_issue(actor=admin, product_id=product.pk, key="demo-abs-issue")
    late = made[[key for key, _m in PAYERS].index(LATE_PAYER)]
    for number in range(1, SERVICED + 1):
        _service(product, number, made, late, admin)
        periods.period_run(actor=admins[TRUSTEE], product_id=product.pk, number=number, key=f"demo-abs-run-{number}")
    late.refresh_from_db()
    return Securitised(product=product, receivables=made, late=late)


def _service(product: Product, number: int, pooled: list[Receivable], late: Receivable, servicer: User) -> None:
    """What the payers paid in period ``number``: every fee due by the period's end, except the
    late payer's from period 2 on (the servicer marks it late when its second fee is missed)."""
    _starts, ends = collections.period_dates(product, number)
    if number == 2:
        receivables.receivable_mark(actor=servicer, receivable_id=late.pk, status=Receivable.Status.LATE,
                                    note="第二季度分许可费未按期支付 / the second quarter's fee is unpaid")
    rows = [CollectionIn(instalment.pk, str(instalment.amount - instalment.paid_amount))
            for receivable in pooled if not (receivable.pk == late.pk and number >= 2)
            for instalment in receivable.instalments.filter(due_on__lte=ends, paid_amount__lt=F("amount"))]
    collections.collections_record(actor=servicer, key=f"demo-abs-collections-{number}", values=CollectionsIn(
        product_id=product.pk, number=number, collections=rows))
