"""Data products for tests and the access world (``ipx.testing.access_world``), brought to
their states through the registry's services: an application as a registrant fills it in, and
a registration granted with its signed certificate (the registry's key made if missing)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.dataip import signing
from ipx.dataip.models import Certificate, DataProduct, Objection
from ipx.dataip.services import applications, certificates, review
from ipx.testing.upload_files import pdf_upload

DATA_SET = "城市,日期,客流\n广州,2026-01-01,120000\n深圳,2026-01-01,98000\n".encode()
FINGERPRINT = hashlib.sha256(DATA_SET).hexdigest()


def sample_csv(name: str = "sample.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DATA_SET, content_type="text/csv")


def application(**changes: Any) -> dict[str, Any]:
    return {"name": "粤港澳大湾区城市客流数据集", "description": "地铁与公交刷卡汇总的城市日客流。", "industry": "G",
            "source": "01", "collection_method": "自有票务系统按日汇总", "lawful_basis": "经营数据，已去标识化",
            "records": "1200000", "size_bytes": "536870912", "structure": "城市、日期、客流（人次）",
            "update_frequency": "daily", "span_from": "2023-01-01", "span_until": "2026-06-30",
            "restrictions": "不得用于识别个人", "fingerprint": FINGERPRINT, **changes}


def drafted(registrant: Organisation, user: User, **changes: Any) -> DataProduct:
    return applications.product_create(actor=user, registrant_id=registrant.pk, values=application(**changes),
                                       sample=sample_csv())


def in_publicity(registrant: Organisation, user: User, operator: User, **changes: Any) -> DataProduct:
    product = drafted(registrant, user, **changes)
    applications.product_submit(actor=user, product_id=product.pk)
    review.review_pass_formal(operator=operator, product_id=product.pk, note="材料齐全")
    return review.review_publish(operator=operator, product_id=product.pk)


def period_over(product: DataProduct) -> None:
    """As if the objection period had run out."""
    DataProduct.objects.filter(pk=product.pk).update(publicity_until=timezone.localdate() - timedelta(days=1))


def granted(registrant: Organisation, user: User, operator: User, **changes: Any) -> DataProduct:
    product = in_publicity(registrant, user, operator, **changes)
    period_over(product)
    return review.registration_grant(operator=operator, product_id=product.pk)


@dataclass
class DataIpWorld:
    """Home's data products, one in each state a step starts from."""

    granted: DataProduct  # registered
    certificate: Certificate  # its certificate
    draft: DataProduct
    formal: DataProduct  # applied: awaiting the formal check
    substantive: DataProduct  # awaiting the substantive check
    publicity: DataProduct  # its objection period running, with an open objection
    objection: Objection  # that objection, by the objector, with evidence
    period_over: DataProduct  # its period over, nothing objected: to grant or refuse
    change: DataProduct  # registered, a change asked for
    renewable: DataProduct  # registered, its certificate ending within the renewal window


def build_dataip_world(*, home: Organisation, admin: User, operator: User, objector: User) -> DataIpWorld:
    if not signing.key_path().exists():
        signing.generate_key()
    product = granted(home, admin, operator, name="MX 城市客流数据集")
    formal = applications.product_submit(actor=admin, product_id=drafted(home, admin, name="MX 待形式审查").pk)
    substantive = applications.product_submit(actor=admin, product_id=drafted(home, admin, name="MX 待实质审查").pk)
    review.review_pass_formal(operator=operator, product_id=substantive.pk)
    publicity = in_publicity(home, admin, operator, name="MX 公示中数据集")
    objection = review.objection_make(actor=objector, product_id=publicity.pk, reason="样本含有他人数据",
                                      evidence=[pdf_upload("证据.pdf")])
    over = in_publicity(home, admin, operator, name="MX 公示期满数据集")
    period_over(over)
    change = granted(home, admin, operator, name="MX 变更中数据集")
    certificates.change_request(actor=admin, product_id=change.pk, values={"restrictions": "仅限科研使用"})
    renewable = granted(home, admin, operator, name="MX 待续展数据集")
    Certificate.objects.filter(product=renewable).update(valid_until=timezone.localdate() + timedelta(days=30))
    return DataIpWorld(granted=product, certificate=product.certificates.get(),
                       draft=drafted(home, admin, name="MX 数据草稿"), formal=formal,
                       substantive=DataProduct.objects.get(pk=substantive.pk), publicity=publicity,
                       objection=objection, period_over=over, change=change, renewable=renewable)
