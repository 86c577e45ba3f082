"""The registry's pages through the client: the registrant drafts (fingerprint typed, or the
data set uploaded and hashed as it arrives), applies and follows its product; the reviewers
work their queues with the working-day deadline; anyone reads the publicity list and, signed
in, objects; bad input comes back on the form with nothing changed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.dataip.models import DataProduct, Objection
from ipx.dataip.services import applications
from ipx.dataip.tests.scenes import drafted, granted, in_publicity, period_over
from ipx.testing.dataip_world import DATA_SET, application, sample_csv
from ipx.testing.fixtures import Member, signed_in
from ipx.testing.upload_files import pdf_upload

pytestmark = pytest.mark.django_db


def _form(owner: Member, **changes: Any) -> dict[str, Any]:
    return {**application(**changes), "registrant": str(owner.organisation.pk), "fingerprint_of": "data_set",
            "sample": sample_csv()}


def test_a_draft_from_the_form_with_the_fingerprint_typed(owner: Member) -> None:
    response = owner.client.post(reverse("dataip:product_new"), _form(owner))
    product = DataProduct.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dataip:product", args=[product.pk])
    assert product.fingerprint == hashlib.sha256(DATA_SET).hexdigest() and not product.fingerprint_computed
    page = owner.client.get(reverse("dataip:products"))
    assert product.name in page.content.decode() and "Draft" in page.content.decode()


def test_the_deposit_is_hashed_by_the_upload_handler_as_it_arrives(owner: Member,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def not_read_again(chunks: Any) -> tuple[str, int]:
        raise AssertionError("the service read the file again")

    monkeypatch.setattr(applications, "digest_of", not_read_again)
    data = b"id,value\n" + b"1,2\n" * 100_000
    response = owner.client.post(reverse("dataip:product_new"), {
        **_form(owner, fingerprint=""), "deposit": SimpleUploadedFile("full.csv", data)})
    assert response.status_code == 302
    product = DataProduct.objects.get()
    assert product.fingerprint == hashlib.sha256(data).hexdigest() and product.fingerprint_computed
    assert product.deposit.size == len(data)


def test_the_deposit_form_still_checks_csrf(owner: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)
    response = client.post(reverse("dataip:product_new"), _form(owner))
    assert response.status_code == 403 and not DataProduct.objects.exists()


@pytest.mark.parametrize(("changes", "files", "field_error"), [
    ({"fingerprint": "abc123"}, {}, "64 hexadecimal digits"),
    ({"fingerprint": "0" * 64}, {"deposit": SimpleUploadedFile("d.csv", b"other")}, "not the fingerprint given"),
    ({}, {"sample": SimpleUploadedFile("sample.json", b"not json")}, "not a readable JSON file"),
    ({"records": "many"}, {}, "whole number"),
    ({"span_from": "2026-01-01", "span_until": "2025-01-01"}, {}, "cannot end before it starts"),
])
def test_bad_applications_come_back_on_the_form(owner: Member, changes: dict[str, str], files: dict[str, Any],
                                                field_error: str) -> None:
    response = owner.client.post(reverse("dataip:product_new"), {**_form(owner, **changes), **files})
    assert response.status_code == 400 and field_error in response.content.decode()
    assert not DataProduct.objects.exists()


def test_an_unverified_organisation_may_not_apply(owner: Member) -> None:
    owner.organisation.status = "pending"
    owner.organisation.save()
    response = owner.client.get(reverse("dataip:product_new"))
    assert response.status_code == 403


def test_apply_from_the_page_then_the_reviewers_queue_shows_the_deadline(owner: Member, operator: User) -> None:
    product = drafted(owner)
    response = owner.client.post(reverse("dataip:product_submit", args=[product.pk]))
    product.refresh_from_db()
    assert response.status_code == 302 and product.status == DataProduct.Status.FORMAL_REVIEW
    assert product.step_due_on is not None
    queue = signed_in(operator).get(reverse("dataip:queues")).content.decode()
    assert product.name in queue and str(product.registration_number) in queue
    DataProduct.objects.filter(pk=product.pk).update(step_due_on="2020-01-02")
    assert "Overdue" in signed_in(operator).get(reverse("dataip:queues")).content.decode()
    assert owner.client.get(reverse("dataip:queues")).status_code == 403


def test_the_reviewer_returns_with_a_note_required(owner: Member, operator: User) -> None:
    product = applications.product_submit(actor=owner.user, product_id=drafted(owner).pk)
    reviewer = signed_in(operator)
    response = reviewer.post(reverse("dataip:review_return", args=[product.pk]), {"note": " "}, follow=True)
    product.refresh_from_db()
    assert product.status == DataProduct.Status.FORMAL_REVIEW and "This is required." in response.content.decode()
    marked = re.search(r'<textarea[^>]*id="id_return_note"[^>]*>', response.content.decode())
    assert response.status_code == 400 and marked is not None and 'aria-invalid="true"' in marked.group(0)
    reviewer.post(reverse("dataip:review_return", args=[product.pk]), {"note": "请补充合法性依据"})
    product.refresh_from_db()
    assert product.status == DataProduct.Status.RETURNED
    page = owner.client.get(reverse("dataip:product", args=[product.pk])).content.decode()
    assert "请补充合法性依据" in page and "Returned for changes" in page


def test_the_registrant_may_not_take_a_reviewers_step(owner: Member, operator: User) -> None:
    product = applications.product_submit(actor=owner.user, product_id=drafted(owner).pk)
    response = owner.client.post(reverse("dataip:review_pass_formal", args=[product.pk]), follow=True)
    product.refresh_from_db()
    assert product.status == DataProduct.Status.FORMAL_REVIEW
    assert "Only the registry&#x27;s reviewers may do this." in response.content.decode()


def test_publicity_list_and_an_objection_with_evidence(owner: Member, buyer: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    listing = Client().get(reverse("dataip:publicity")).content.decode()
    assert product.name in listing and str(product.registration_number) in listing
    detail = Client().get(reverse("dataip:publicity_detail", args=[product.pk]))
    assert detail.status_code == 200 and "Sign in to object." in detail.content.decode()
    response = buyer.client.post(reverse("dataip:publicity_detail", args=[product.pk]), {
        "reason": "样本含有我司数据", "organisation": str(buyer.organisation.pk), "evidence": [pdf_upload("合同.pdf")]})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.organisation == buyer.organisation and objection.evidence.count() == 1
    evidence = objection.evidence.get()
    assert buyer.client.get(reverse("dataip:evidence", args=[evidence.pk])).status_code == 200
    assert Client().get(reverse("dataip:evidence", args=[evidence.pk])).status_code == 302


def test_objections_refused_on_the_form(owner: Member, buyer: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    url = reverse("dataip:publicity_detail", args=[product.pk])
    own = owner.client.post(url, {"reason": "自己反对"})
    assert own.status_code == 400 and "does not object to its own application" in own.content.decode()
    empty = buyer.client.post(url, {"reason": ""})
    assert empty.status_code == 400
    period_over(product)
    late = buyer.client.post(url, {"reason": "太晚了"})
    assert late.status_code == 400 and "The objection period ended on" in late.content.decode()
    assert Client().post(url, {"reason": "匿名"}).status_code == 302
    assert not Objection.objects.exists()


def test_objection_decided_then_granted_with_the_certificate_on_the_page(owner: Member, buyer: Member,
                                                                         operator: User, registry_key: Path) -> None:
    product = in_publicity(owner, operator)
    buyer.client.post(reverse("dataip:publicity_detail", args=[product.pk]), {"reason": "疑似重复登记"})
    reviewer = signed_in(operator)
    objection = Objection.objects.get()
    reviewer.post(reverse("dataip:objection_decide", args=[objection.pk]), {"decision": "dismiss", "note": "不构成"})
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED
    period_over(product)
    reviewer.post(reverse("dataip:review_grant", args=[product.pk]), {"note": ""})
    product.refresh_from_db()
    certificate = product.certificates.get()
    page = owner.client.get(reverse("dataip:product", args=[product.pk])).content.decode()
    assert product.status == DataProduct.Status.GRANTED
    assert reverse("dataip:certificate_pdf", args=[certificate.number]) in page
    assert reverse("dataip:verify", args=[certificate.number]) in page
    assert f"certificate {certificate.number} issued" in page
    assert Client().get(reverse("dataip:publicity_detail", args=[product.pk])).status_code == 404


def test_change_request_and_cancel_from_the_pages(owner: Member, operator: User, registry_key: Path) -> None:
    product = granted(owner, operator)
    same = owner.client.post(reverse("dataip:change_request", args=[product.pk]), {
        "name": product.name, "description": product.description, "structure": product.structure,
        "update_frequency": product.update_frequency, "span_until": product.span_until.isoformat(),
        "restrictions": product.restrictions, "records": str(product.records), "size_bytes": str(product.size_bytes)})
    assert same.status_code == 400 and "Nothing would change." in same.content.decode()
    owner.client.post(reverse("dataip:change_request", args=[product.pk]), {
        "name": "新名称", "description": product.description, "structure": product.structure,
        "update_frequency": product.update_frequency, "span_until": product.span_until.isoformat(),
        "restrictions": product.restrictions, "records": str(product.records), "size_bytes": str(product.size_bytes)})
    product.refresh_from_db()
    assert product.status == DataProduct.Status.CHANGE_REVIEW and product.pending_change == {"name": "新名称"}
    signed_in(operator).post(reverse("dataip:review_approve_change", args=[product.pk]))
    product.refresh_from_db()
    assert product.name == "新名称" and product.certificates.count() == 2
    refused = owner.client.post(reverse("dataip:product_cancel", args=[product.pk]), {"reason": ""}, follow=True)
    product.refresh_from_db()
    assert product.status == DataProduct.Status.GRANTED and "This is required." in refused.content.decode()
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.content.decode()
    owner.client.post(reverse("dataip:product_cancel", args=[product.pk]), {"reason": "业务调整"})
    product.refresh_from_db()
    assert product.status == DataProduct.Status.CANCELLED


def test_someone_elses_product_is_not_found(owner: Member, buyer: Member) -> None:
    product = drafted(owner)
    assert buyer.client.get(reverse("dataip:product", args=[product.pk])).status_code == 404
    assert buyer.client.post(reverse("dataip:product_submit", args=[product.pk])).status_code == 404
    assert buyer.client.get(reverse("dataip:product_edit", args=[product.pk])).status_code == 404


def test_a_returned_application_edited_on_its_form_keeps_its_sample(owner: Member, operator: User) -> None:
    product = applications.product_submit(actor=owner.user, product_id=drafted(owner).pk)
    signed_in(operator).post(reverse("dataip:review_return", args=[product.pk]), {"note": "请补充"})
    url = reverse("dataip:product_edit", args=[product.pk])
    form = owner.client.get(url).content.decode()
    assert product.fingerprint in form and product.name in form
    response = owner.client.post(url, {**application(lawful_basis="采购合同第5条授权"), "fingerprint_of": "data_set"})
    product.refresh_from_db()
    assert response.status_code == 302 and product.lawful_basis == "采购合同第5条授权"
    assert product.sample.original_name == "sample.csv"
    assert owner.client.post(reverse("dataip:product_submit", args=[product.pk])).status_code == 302
    product.refresh_from_db()
    assert product.status == DataProduct.Status.FORMAL_REVIEW
