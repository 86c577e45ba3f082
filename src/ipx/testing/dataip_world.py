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
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services import applications, review

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
    granted: DataProduct  # home's, registered
    certificate: Certificate  # its certificate


def build_dataip_world(*, home: Organisation, admin: User, operator: User) -> DataIpWorld:
    if not signing.key_path().exists():
        signing.generate_key()
    product = granted(home, admin, operator, name="MX 城市客流数据集")
    return DataIpWorld(granted=product, certificate=product.certificates.get())
