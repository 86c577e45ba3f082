"""The OpenAPI document says what the API does: public reads take credentials but do not
need them, each component name means one shape, and every answer under /api/ is JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.test import Client, RequestFactory

from ipx.api.api import api
from ipx.api.document import OpenApiDocument
from ipx.api.middleware import JsonErrorsMiddleware
from ipx.listings.models import Listing
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

OPTIONAL: list[dict[str, list[str]]] = [{"TokenAuth": []}, {"SessionAuth": []}, {}]
REQUIRED: list[dict[str, list[str]]] = [{"TokenAuth": []}, {"SessionAuth": []}]


def document() -> dict[str, Any]:
    return dict(Client().get("/api/v1/openapi.json").json())


def security(path: str, method: str = "get") -> Any:
    return document()["paths"][f"/api/v1{path}"][method].get("security")


@pytest.mark.parametrize("path", [
    "/assets/{asset_id}", "/listings/{listing_id}", "/organisations/{organisation_id}",
    "/organisations/{organisation_id}/listings", "/demands", "/demands/{demand_id}", "/search/listings", "/ipc",
    "/ipc/{code}", "/nice-classes",
])
def test_public_reads_declare_credentials_optional(path: str) -> None:
    assert security(path) == OPTIONAL


def test_writes_and_private_reads_declare_credentials_required() -> None:
    assert (security("/listings", "post"), security("/saved-searches"), security("/me")) == (REQUIRED,) * 3
    assert "{}" not in json.dumps([op.get("security") for item in document()["paths"].values()
                                   for method, op in item.items() if method != "get"])


def test_a_public_read_answers_anonymous_and_signed_in_callers(owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, status=Listing.Status.PUBLISHED)
    anonymous = Client().get(f"/api/v1/listings/{listing.pk}")
    assert (anonymous.status_code, anonymous.json()["allowed_actions"]) == (200, [])
    signed_in = owner.client.get(f"/api/v1/listings/{listing.pk}")
    assert (signed_in.status_code, "withdraw" in signed_in.json()["allowed_actions"]) == (200, True)
    # A key nobody holds is no key: the read goes on as anonymous.
    stranger = Client().get(f"/api/v1/listings/{listing.pk}", HTTP_AUTHORIZATION="Bearer ipx_nobody")
    assert (stranger.status_code, stranger.json()["allowed_actions"]) == (200, [])


def test_each_component_name_means_one_shape() -> None:
    assert OpenApiDocument(api, "/api/v1/").clashes == set()
    components = document()["components"]["schemas"]
    # The catalog's IPC entry and the IPC codes a match shares are two components.
    assert set(components["IpcOut"]["required"]) == {"code", "level", "parent", "title_zh", "title_zh_hant",
                                                     "title_en"}
    assert set(components["IpcTitleOut"]["required"]) == {"code", "title"}


def test_an_ipc_answer_has_every_field_its_schema_requires() -> None:
    answer = Client().get("/api/v1/ipc", {"q": "H01M"}).json()
    required = set(document()["components"]["schemas"]["IpcOut"]["required"])
    assert answer and all(required <= set(entry) for entry in answer)


def error_of(response: Any) -> tuple[int, str, str]:
    return response.status_code, response["Content-Type"], response.json()["error"]["code"]


def test_an_unknown_api_address_answers_json() -> None:
    assert error_of(Client().get("/api/v1/no-such-thing")) == (404, "application/json", "not_found")
    # The API's addresses have no trailing slash; with one they are unknown, in JSON too.
    assert error_of(Client().get("/api/v1/saved-searches/")) == (404, "application/json", "not_found")


def test_a_method_an_api_address_does_not_take_answers_json_with_allow() -> None:
    response = Client().put("/api/v1/listings/1")
    assert error_of(response) == (405, "application/json", "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH", "DELETE"}


def test_a_session_write_without_its_csrf_token_answers_json(owner: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)
    response = client.post("/api/v1/saved-searches", {"name": "x", "query": "q=a"}, content_type="application/json")
    assert (response.status_code, response["Content-Type"].split(";")[0]) == (403, "application/json")
    assert owner.user.saved_searches.count() == 0


def test_a_failure_outside_the_api_handlers_answers_json() -> None:
    def failing(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError("<h1>Server Error (500)</h1>")

    request = RequestFactory().get("/api/v1/listings/1")
    response = JsonErrorsMiddleware(failing)(request)
    assert isinstance(response, HttpResponse)
    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert json.loads(response.content)["error"]["code"] == "server_error"
    page = JsonErrorsMiddleware(failing)(RequestFactory().get("/listings/1/"))
    assert (page.status_code, page["Content-Type"]) == (500, "text/html; charset=utf-8")
