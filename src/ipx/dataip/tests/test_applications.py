"""A data product's application: every bad field named at once and nothing saved; the
fingerprint given, or computed from the uploaded file in chunks (and then the two must
agree); samples that are what their names say; a number allocated on applying."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.dataip import numbers
from ipx.dataip.models import DataProduct, DataProductEvent
from ipx.dataip.services import applications
from ipx.dataip.tests.scenes import drafted
from ipx.testing.dataip_world import DATA_SET, FINGERPRINT, application, sample_csv
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_bad_fields_are_each_named_and_nothing_is_kept(owner: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        applications.product_create(
            actor=owner.user, registrant_id=owner.organisation.pk, sample=sample_csv("sample.json"),
            values=application(fingerprint="abc123", records="-5", industry="Z", span_until="2020-01-01"))
    assert set(refused.value.fields) >= {"fingerprint", "records", "industry", "span_until", "sample"}
    assert "64 hexadecimal digits" in refused.value.fields["fingerprint"]
    assert not DataProduct.objects.exists()


@pytest.mark.parametrize("records", ["1,,0", ",,,1", "12,00", "1,2345", "\u0661\u0662\u0663", "1.5", "0", "1e6", " "])
def test_a_count_is_digits_with_commas_only_between_thousands(owner: Member, records: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        applications.product_create(actor=owner.user, registrant_id=owner.organisation.pk,
                                     sample=sample_csv(), values=application(records=records))
    assert set(refused.value.fields) == {"records"}
    assert not DataProduct.objects.exists()


@pytest.mark.parametrize(("records", "read"), [("1,200,000", 1_200_000), ("1200000", 1_200_000), (" 7 ", 7)])
def test_a_count_may_group_its_thousands(owner: Member, records: str, read: int) -> None:
    product = applications.product_create(actor=owner.user, registrant_id=owner.organisation.pk,
                                          sample=sample_csv(), values=application(records=records))
    assert product.records == read


@pytest.mark.parametrize(("name", "content"), [
    ("sample.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary"),
    ("sample.csv", b"just one line without columns"),
    ("sample.json", b"{not json"),
    ("sample.xlsx", b"PK\x03\x04 not really a workbook"),
    ("sample.exe", b"MZ"),
])
def test_a_sample_must_be_what_its_name_says(owner: Member, name: str, content: bytes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        applications.product_create(actor=owner.user, registrant_id=owner.organisation.pk, values=application(),
                                     sample=SimpleUploadedFile(name, content))
    assert "sample" in refused.value.fields
    assert not DataProduct.objects.exists()


def test_the_uploaded_data_set_is_fingerprinted_by_the_registry(owner: Member) -> None:
    big = io.BytesIO(DATA_SET * 50_000)  # ~3 MB, read in chunks
    upload = SimpleUploadedFile("flows.csv", big.getvalue())
    product = applications.product_create(actor=owner.user, registrant_id=owner.organisation.pk,
                                          values=application(fingerprint=""), sample=sample_csv(), deposit=upload)
    assert product.fingerprint == hashlib.sha256(DATA_SET * 50_000).hexdigest() and product.fingerprint_computed
    assert product.deposit.size == len(DATA_SET) * 50_000


def test_a_file_whose_hash_differs_from_the_fingerprint_given_is_refused(owner: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        applications.product_create(actor=owner.user, registrant_id=owner.organisation.pk,
                                    values=application(fingerprint="0" * 64), sample=sample_csv(),
                                    deposit=SimpleUploadedFile("flows.csv", DATA_SET))
    assert FINGERPRINT in refused.value.fields["fingerprint"]
    assert not DataProduct.objects.exists()


def test_applying_allocates_a_valid_registration_number_once(owner: Member, buyer: Member) -> None:
    product = drafted(owner)
    with pytest.raises(PermissionDenied):
        applications.product_submit(actor=buyer.user, product_id=product.pk)
    submitted = applications.product_submit(actor=owner.user, product_id=product.pk)
    assert submitted.status == DataProduct.Status.FORMAL_REVIEW and submitted.step_due_on is not None
    assert submitted.registration_number and numbers.registration_number_valid(submitted.registration_number)
    assert submitted.registration_number[4:7] == "01E"
    second = applications.product_submit(actor=owner.user, product_id=drafted(owner).pk)
    assert second.registration_number is not None
    assert int(second.registration_number[7:15]) == int(submitted.registration_number[7:15]) + 1
    assert list(DataProductEvent.objects.filter(product=product).values_list("verb", flat=True)) == [
        "create", "submit"]
