"""The registry's API end to end through the client: drafted (multipart, fingerprint typed or
the data set uploaded), applied, reviewed, published, objected to, decided and granted; the
certificate exported as a signed document and verified by number without signing in. Bad input
answers 4xx in the one error shape and changes nothing; others learn of nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ipx.accounts.models import User
from ipx.dataip import signing
from ipx.dataip.models import DataProduct, Objection
from ipx.dataip.signing import Verdict
from ipx.dataip.tests.scenes import drafted, granted, in_publicity, period_over
from ipx.testing.dataip_world import application, sample_csv
from ipx.testing.fixtures import Member, signed_in
from ipx.testing.upload_files import pdf_upload

pytestmark = pytest.mark.django_db
API = "/api/v1/dataip"


def post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(f"{API}/{path}", json.dumps(body or {}), content_type="application/json")


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def test_drafted_with_the_data_set_uploaded_then_applied(owner: Member) -> None:
    data = b"a,b\n1,2\n" * 5000
    response = owner.client.post(f"{API}/products", {
        **application(fingerprint=""), "registrant_id": str(owner.organisation.pk), "sample": sample_csv(),
        "deposit": SimpleUploadedFile("set.csv", data)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["fingerprint"] == hashlib.sha256(data).hexdigest() and body["fingerprint_computed"] is True
    assert body["status"] == "draft" and "submit" in body["actions"]
    applied = post(owner.client, f"products/{body['id']}/submit")
    assert applied.status_code == 200 and applied.json()["status"] == "formal_review"
    assert applied.json()["step_due_on"] and len(applied.json()["registration_number"]) == 16
    assert applied.json()["history"][-1]["verb"] == "submit"


@pytest.mark.parametrize(("changes", "files", "field"), [
    ({"fingerprint": "xyz"}, {}, "fingerprint"),
    ({"fingerprint": "0" * 64}, {"deposit": SimpleUploadedFile("d.csv", b"other")}, "fingerprint"),
    ({}, {"sample": SimpleUploadedFile("sample.xlsx", b"not a workbook")}, "sample"),
    ({"industry": "Z"}, {}, "industry"),
])
def test_bad_applications_answer_400_naming_the_field(owner: Member, changes: dict[str, str],
                                                      files: dict[str, Any], field: str) -> None:
    response = owner.client.post(f"{API}/products", {
        **application(**changes), "registrant_id": str(owner.organisation.pk), "sample": sample_csv(), **files})
    assert response.status_code == 400 and field in _error(response)["fields"]
    assert not DataProduct.objects.exists()


def test_review_publicity_objection_and_grant(owner: Member, buyer: Member, operator: User,
                                              registry_key: Path) -> None:
    product = drafted(owner)
    post(owner.client, f"products/{product.pk}/submit")
    reviewer = signed_in(operator)
    queue = reviewer.get(f"{API}/products?queue=formal").json()
    assert [row["id"] for row in queue["items"]] == [product.pk]
    assert owner.client.get(f"{API}/products?queue=formal").status_code == 403
    assert post(owner.client, f"products/{product.pk}/pass-formal").status_code == 403
    assert post(reviewer, f"products/{product.pk}/pass-formal", {"note": "齐全"}).json()["status"] == "substantive"
    published = post(reviewer, f"products/{product.pk}/publish").json()
    assert published["status"] == "publicity" and published["publicity_until"]
    public = Client().get(f"{API}/publicity").json()
    assert [row["id"] for row in public["items"]] == [product.pk] and "status" not in public["items"][0]
    objection = buyer.client.post(f"{API}/publicity/{product.pk}/objections", {
        "reason": "样本含我司数据", "evidence": [pdf_upload("证据.pdf")]})
    assert objection.status_code == 201 and len(objection.json()["evidence"]) == 1
    own = owner.client.post(f"{API}/publicity/{product.pk}/objections", {"reason": "自己"})
    assert own.status_code == 403
    period_over(product)
    late = buyer.client.post(f"{API}/publicity/{product.pk}/objections", {"reason": "晚了"})
    assert late.status_code == 409 and Objection.objects.count() == 1
    assert post(reviewer, f"products/{product.pk}/grant").status_code == 409
    decided = post(reviewer, f"objections/{objection.json()['id']}/decision", {"decision": "dismiss", "note": "不成立"})
    assert decided.status_code == 200 and decided.json()["objections"][0]["status"] == "dismissed"
    body = post(reviewer, f"products/{product.pk}/grant").json()
    assert body["status"] == "granted" and body["certificates"][0]["status"] == "valid"
    number = body["certificates"][0]["number"]
    exported = owner.client.get(f"{API}/certificates/{number}").json()
    assert signing.verify_document(exported, signing.private_key().public_key()) == Verdict.VALID
    assert buyer.client.get(f"{API}/certificates/{number}").status_code == 404
    checked = Client().get(f"{API}/verify/{number}").json()
    assert checked["verdict"] == "valid" and checked["signature_holds"] is True
    assert Client().get(f"{API}/verify/00000000000000000").status_code == 404
    assert Client().get(f"{API}/verify/abc").status_code == 404


def test_revoked_is_told_by_the_verification(owner: Member, operator: User, registry_key: Path) -> None:
    product = granted(owner, operator)
    reviewer = signed_in(operator)
    assert post(reviewer, f"products/{product.pk}/revoke", {"reason": ""}).status_code == 400
    product.refresh_from_db()
    assert product.status == DataProduct.Status.GRANTED
    post(reviewer, f"products/{product.pk}/revoke", {"reason": "数据来源不合法"})
    number = product.certificates.get().number
    assert Client().get(f"{API}/verify/{number}").json()["verdict"] == "revoked"


def test_change_request_through_the_api(owner: Member, operator: User, registry_key: Path) -> None:
    product = granted(owner, operator)
    nothing = post(owner.client, f"products/{product.pk}/change-request", {"name": product.name})
    assert nothing.status_code == 400
    asked = post(owner.client, f"products/{product.pk}/change-request", {"restrictions": "仅限科研使用"})
    assert asked.json()["pending_change"] == {"restrictions": "仅限科研使用"}
    refused = post(signed_in(operator), f"products/{product.pk}/change/refuse", {"reason": "理由不足"})
    assert refused.json()["status"] == "granted" and refused.json()["pending_change"] == {}


def test_others_learn_of_nothing(owner: Member, buyer: Member, operator: User) -> None:
    product = drafted(owner)
    assert buyer.client.get(f"{API}/products/{product.pk}").status_code == 404
    assert post(buyer.client, f"products/{product.pk}/submit").status_code == 404
    assert Client().get(f"{API}/products/{product.pk}").status_code == 401
    assert Client().get(f"{API}/publicity/{product.pk}").status_code == 404
    assert buyer.client.get(f"{API}/products").json()["items"] == []
    in_publicity(owner, operator, name="公示中")
    assert Client().get(f"{API}/publicity/{product.pk}").status_code == 404
    product.refresh_from_db()
    assert product.status == DataProduct.Status.DRAFT
