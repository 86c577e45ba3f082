"""What a request may be made of: the parameters and fields its document names, each of the
JSON type the document gives, and nothing else; every refusal names what it refuses and
changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ipx.listings.models import Listing
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def refused_fields(response: Any) -> dict[str, str]:
    assert response.status_code == 400, response.content.decode()[:300]
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return dict(error["fields"])


def post_listing(member: Member, body: dict[str, Any], query: str = "") -> Any:
    return member.client.post(f"/api/v1/listings{query}", data=json.dumps(body), content_type="application/json")


def a_listing(member: Member, **changes: Any) -> dict[str, Any]:
    patent = PatentFactory.create(asset__holder=member.organisation)
    return {"organisation_id": member.organisation.pk, "title": "锂电池隔膜", "asset_ids": [patent.pk],
            "offer_kinds": ["transfer"], "price_type": "fixed", "price_amount": "250000.00", "currency": "CNY",
            **changes}


def test_a_query_parameter_an_address_does_not_take_is_refused_by_name(owner: Member) -> None:
    # A misspelt filter would otherwise answer as if no filter were asked for.
    fields = refused_fields(owner.client.get("/api/v1/deals?stauts=signed"))
    assert fields == {"stauts": "This address takes no parameter “stauts”."}
    assert owner.client.get("/api/v1/deals?status=signed").status_code == 200


def test_a_parameter_of_one_value_given_twice_is_refused(owner: Member) -> None:
    fields = refused_fields(owner.client.get("/api/v1/deals?page=1&page=2"))
    assert fields == {"page": "Give “page” once."}


def test_a_field_the_schema_does_not_name_is_refused_and_nothing_is_made(owner: Member) -> None:
    fields = refused_fields(post_listing(owner, a_listing(owner, colour="blue")))
    assert set(fields) == {"colour"}
    assert not Listing.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("organisation_id", "1"),  # text is no integer
    ("asset_ids", 5),  # a number is no list
    ("title", 5),  # nor text
])
def test_values_are_taken_only_of_their_json_type(owner: Member, field: str, value: Any) -> None:
    body = a_listing(owner)
    fields = refused_fields(post_listing(owner, {**body, field: value}))
    assert set(fields) == {field}
    assert not Listing.objects.exists()


@pytest.mark.parametrize("body", [[1, 2], "text", 5, None])
def test_a_body_must_be_an_object(owner: Member, body: Any) -> None:
    response = post_listing(owner, body)
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not Listing.objects.exists()


@pytest.mark.parametrize("amount", ["1_000", " 5 ", "٣", "1e400000", True])
def test_an_amount_is_written_in_ascii_decimals(owner: Member, amount: Any) -> None:
    fields = refused_fields(post_listing(owner, a_listing(owner, price_amount=amount)))
    assert set(fields) == {"price_amount"}
    assert not Listing.objects.exists()


def test_the_document_says_what_a_multipart_body_may_hold() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    form = document["paths"]["/api/v1/listings/{listing_id}/documents"]["post"]["requestBody"]["content"]
    assert form["multipart/form-data"]["schema"]["additionalProperties"] is False


def test_the_document_leads_from_a_made_listing_to_its_steps() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    links = document["paths"]["/api/v1/listings"]["post"]["responses"]["201"]["links"]
    submit = next(link for link in links.values() if link["parameters"] == {"listing_id": "$response.body#/id"}
                  and "submit" in link["operationId"])
    assert submit["operationId"] in {operation["operationId"] for operations in document["paths"].values()
                                     for operation in operations.values()}
