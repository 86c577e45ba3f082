"""Receivables: from the licensor's own concluded licence deals (the licensee pays, in the
deal's currency, no more than is still owed on its milestones) or from off-platform contracts
with their document kept privately; marked late, defaulted or paid by the servicer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ipx.accounts.models import User
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.deals.models import Deal
from ipx.finance.models import Receivable, ReceivableContract, ReceivableInstalment
from ipx.finance.securitisation.inputs import InstalmentIn, ReceivableIn
from ipx.finance.securitisation.services import receivables
from ipx.testing.licence_deals import Cast, licence_cast, licence_deal
from ipx.testing.upload_files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
SCHEDULE = [InstalmentIn("2026-09-15", "300000"), InstalmentIn("2026-06-15", "200000")]


@pytest.fixture
def cast() -> Cast:
    return licence_cast()


def from_deal(cast: Cast, deal: Deal, schedule: list[InstalmentIn] | None = None, *,
              actor: User | None = None) -> Receivable:
    return receivables.receivable_add(actor=actor or cast.licensor_admin, values=ReceivableIn(
        originator_id=cast.licensor.pk, source="deal", deal_id=deal.pk,
        schedule=SCHEDULE if schedule is None else schedule))


def test_a_receivable_from_the_licensors_concluded_licence_deal(cast: Cast) -> None:
    deal = licence_deal(cast)
    receivable = from_deal(cast, deal)
    assert (receivable.source, receivable.payer, receivable.currency, receivable.deal) == (
        "deal", cast.licensee, "CNY", deal)
    assert receivable.status == Receivable.Status.CURRENT
    rows = [(row.due_on, row.amount) for row in receivable.instalments.all()]
    assert rows == [(date(2026, 6, 15), D("200000.00")), (date(2026, 9, 15), D("300000.00"))]


def test_deals_that_are_not_the_licensors_concluded_licences_are_refused(cast: Cast) -> None:
    unsigned = licence_deal(cast, signed=False)
    with pytest.raises(ValidationFailed) as refused:
        from_deal(cast, unsigned)
    assert set(refused.value.fields) == {"deal_id"}
    transfer = licence_deal(cast, kind="transfer")
    with pytest.raises(ValidationFailed):
        from_deal(cast, transfer)
    deal = licence_deal(cast)
    # The licensee is not the licensor: it cannot sell the fees it owes.
    with pytest.raises(ValidationFailed) as not_theirs:
        receivables.receivable_add(actor=cast.licensee_admin, values=ReceivableIn(
            originator_id=cast.licensee.pk, source="deal", deal_id=deal.pk, schedule=SCHEDULE))
    assert set(not_theirs.value.fields) == {"deal_id"}
    # No more than the 500,000 still owed; nor another currency than the deal's.
    with pytest.raises(ValidationFailed) as too_much:
        receivables.receivable_add(actor=cast.licensor_admin, values=ReceivableIn(
            originator_id=cast.licensor.pk, source="deal", deal_id=deal.pk, currency="USD",
            schedule=[*SCHEDULE, InstalmentIn("2026-12-15", "0.01")]))
    assert set(too_much.value.fields) == {"schedule", "currency"}
    assert not Receivable.objects.exists() and not ReceivableInstalment.objects.exists()
    first = from_deal(cast, deal)
    with pytest.raises(ValidationFailed) as twice:
        from_deal(cast, deal)
    assert str(first.pk) in twice.value.fields["deal_id"]
    assert Receivable.objects.count() == 1


def test_an_off_platform_contract_keeps_its_document(cast: Cast) -> None:
    receivable = receivables.receivable_add(actor=cast.licensor_admin, values=ReceivableIn(
        originator_id=cast.licensor.pk, source="contract", payer_name="中山照明电器有限公司",
        contract_reference="SL-2026-007", contract_file=pdf_upload("分许可合同.pdf"), currency="CNY",
        schedule=SCHEDULE))
    contract = ReceivableContract.objects.get(receivable=receivable)
    assert (contract.original_name, contract.content_type) == ("分许可合同.pdf", "application/pdf")
    assert contract.file.name.startswith("abs-contracts/") and "分许可" not in contract.file.name
    assert (receivable.payer, receivable.payer_label) == (None, "中山照明电器有限公司")


def test_an_off_platform_contract_is_refused_by_field_and_nothing_kept(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        receivables.receivable_add(actor=cast.licensor_admin, values=ReceivableIn(
            originator_id=cast.licensor.pk, source="contract", payer_name="", contract_reference="",
            currency="XYZ", schedule=[InstalmentIn("not a date", "-5")]))
    assert set(refused.value.fields) == {"payer_name", "contract_reference", "contract_file", "currency",
                                         "schedule.0.due_on", "schedule.0.amount"}
    with pytest.raises(ValidationFailed) as not_a_pdf:
        receivables.receivable_add(actor=cast.licensor_admin, values=ReceivableIn(
            originator_id=cast.licensor.pk, source="contract", payer_id=cast.licensor.pk, contract_reference="X",
            contract_file=png_upload("contract.pdf"), currency="CNY", schedule=[]))
    assert set(not_a_pdf.value.fields) == {"payer_id", "contract_file", "schedule"}
    with pytest.raises(PermissionDenied):
        receivables.receivable_add(actor=cast.licensee_admin, values=ReceivableIn(
            originator_id=cast.licensor.pk, source="contract", payer_name="X", contract_reference="X",
            contract_file=pdf_upload(), currency="CNY", schedule=SCHEDULE))
    assert not Receivable.objects.exists() and not ReceivableContract.objects.exists()


def test_the_servicer_marks_a_receivable(cast: Cast) -> None:
    receivable = from_deal(cast, licence_deal(cast))
    with pytest.raises(PermissionDenied):
        receivables.receivable_mark(actor=cast.licensee_admin, receivable_id=receivable.pk, status="paid")
    with pytest.raises(ValidationFailed):
        receivables.receivable_mark(actor=cast.licensor_admin, receivable_id=receivable.pk, status="lost")
    late = receivables.receivable_mark(actor=cast.licensor_admin, receivable_id=receivable.pk, status="late")
    assert late.status == Receivable.Status.LATE
    receivables.receivable_mark(actor=cast.licensor_admin, receivable_id=receivable.pk, status="defaulted")
    with pytest.raises(Conflict):
        receivables.receivable_mark(actor=cast.licensor_admin, receivable_id=receivable.pk, status="current")
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.DEFAULTED
