"""The registry's review and publicity: returned and rejected with a note, published for ten
working days, objections by others only and only while the period runs, decided before the
registration is granted (an upheld one refuses it), and a granted registration an asset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.dataip.models import Certificate, DataProduct, Objection
from ipx.dataip.services import applications, review
from ipx.dataip.tests.scenes import drafted, in_publicity, period_over
from ipx.dataip.working_days import add_working_days
from ipx.testing.fixtures import Member
from ipx.testing.upload_files import pdf_upload

pytestmark = pytest.mark.django_db


def test_returned_with_a_note_then_applied_again_with_the_same_number(owner: Member, operator: User) -> None:
    product = applications.product_submit(actor=owner.user, product_id=drafted(owner).pk)
    number = product.registration_number
    with pytest.raises(PermissionDenied):
        review.review_pass_formal(operator=owner.user, product_id=product.pk)
    with pytest.raises(ValidationFailed):
        review.review_return(operator=operator, product_id=product.pk, note="  ")
    review.review_return(operator=operator, product_id=product.pk, note="请补充数据采集的合法性依据")
    applications.product_update(actor=owner.user, product_id=product.pk,
                                values={**_values(product), "source": "03", "lawful_basis": "采购合同第5条授权"})
    again = applications.product_submit(actor=owner.user, product_id=product.pk)
    assert again.registration_number is not None and number is not None
    assert again.registration_number[7:15] == number[7:15] and again.registration_number[4:6] == "03"


def _values(product: DataProduct) -> dict[str, object]:
    from ipx.dataip.inputs import ProductInput

    return {field: getattr(product, field) for field in ProductInput.__dataclass_fields__}


def test_publicity_runs_ten_working_days(owner: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    today = timezone.localdate()
    assert product.publicity_from == today and product.publicity_until == add_working_days(today, 10)


def test_objections_by_others_while_the_period_runs(owner: Member, buyer: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    with pytest.raises(PermissionDenied):
        review.objection_make(actor=owner.user, product_id=product.pk, reason="自己反对自己")
    objection = review.objection_make(actor=buyer.user, product_id=product.pk, organisation_id=buyer.organisation.pk,
                                      reason="样本中含有我司的客流数据", evidence=[pdf_upload("合同.pdf")])
    assert objection.evidence.count() == 1
    with pytest.raises(Conflict, match="Decide every objection"):
        period_over(product)
        review.registration_grant(operator=operator, product_id=product.pk)
    with pytest.raises(Conflict, match="period ended"):
        review.objection_make(actor=buyer.user, product_id=product.pk, reason="再次提出")
    assert Objection.objects.count() == 1


def test_the_registration_waits_for_the_period(owner: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    with pytest.raises(Conflict, match="Objections may be made until"):
        review.registration_grant(operator=operator, product_id=product.pk)
    assert DataProduct.objects.get(pk=product.pk).status == DataProduct.Status.PUBLICITY


def test_an_upheld_objection_refuses_the_registration(owner: Member, buyer: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    objection = review.objection_make(actor=buyer.user, product_id=product.pk, reason="数据来源于我司系统")
    review.objection_decide(operator=operator, objection_id=objection.pk, uphold=True, note="来源存疑")
    with pytest.raises(ValidationFailed):
        review.objection_decide(operator=operator, objection_id=objection.pk, uphold=False, note="改判")
    period_over(product)
    with pytest.raises(ValidationFailed, match="upheld"):
        review.registration_grant(operator=operator, product_id=product.pk)
    refused = review.registration_refuse(operator=operator, product_id=product.pk, reason="异议成立")
    assert refused.status == DataProduct.Status.REFUSED and not Certificate.objects.exists()


def test_granting_issues_a_certificate_and_makes_an_asset(owner: Member, buyer: Member, operator: User,
                                                          registry_key: object) -> None:
    product = in_publicity(owner, operator)
    objection = review.objection_make(actor=buyer.user, product_id=product.pk, reason="名称与我司产品近似")
    review.objection_decide(operator=operator, objection_id=objection.pk, uphold=False, note="名称不构成权利冲突")
    period_over(product)
    granted = review.registration_grant(operator=operator, product_id=product.pk)
    certificate = granted.certificates.get()
    today = timezone.localdate()
    assert granted.status == DataProduct.Status.GRANTED
    assert certificate.number.startswith(f"{today:%Y%m}4400") and len(certificate.number) == 17
    assert certificate.valid_until == today.replace(year=today.year + 3) - timedelta(days=1)
    assert granted.asset is not None
    asset = granted.asset
    assert (asset.ip_type, asset.holder_id, asset.identifier) == (
        Asset.Type.DATA, owner.organisation.pk, granted.registration_number)
    assert asset.expiry_date == certificate.valid_until


def test_without_the_registrys_key_nothing_is_granted(owner: Member, operator: User, tmp_path: object) -> None:
    from django.test import override_settings

    product = in_publicity(owner, operator)
    period_over(product)
    with override_settings(IPX_DATAIP_KEY_PATH=f"{tmp_path}/missing.pem"), pytest.raises(Conflict, match="keygen"):
        review.registration_grant(operator=operator, product_id=product.pk)
    assert DataProduct.objects.get(pk=product.pk).status == DataProduct.Status.PUBLICITY
    assert not Asset.objects.filter(ip_type=Asset.Type.DATA).exists()
