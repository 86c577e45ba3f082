"""Saved searches: who may use which endpoint and page, and the "Save this search" form on
the search page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.matching.models import SavedSearch
from ipx.matching.saved_searches import services
from ipx.matching.saved_searches.inputs import SavedSearchInput
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.once]

ROLES = ("anonymous", "outsider", "member", "operator")


@pytest.fixture
def saved(buyer: Member) -> SavedSearch:
    search = SavedSearchInput.parse(name="隔膜", query="q=锂电池隔膜&region=CN-44")
    return services.saved_search_create(user=buyer.user, search=search)


@pytest.fixture
def clients(buyer: Member, outsider: Member, operator_client: Client) -> dict[str, Client]:
    return {"anonymous": Client(), "outsider": outsider.client, "member": buyer.client, "operator": operator_client}


def expect(anonymous: int, outsider: int, member: int, operator: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, outsider, member, operator), strict=True))


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    expected: dict[str, int]
    body: dict[str, Any] | None = None


API = [
    Case("list", "get", "/saved-searches", expect(401, 200, 200, 200)),
    Case("save", "post", "/saved-searches", expect(401, 201, 201, 201),
         body={"name": "电池", "query": "q=电池&ip_type=patent", "alerts": True}),
    Case("read", "get", "/saved-searches/{id}", expect(401, 404, 200, 404)),
    Case("switch alerts", "patch", "/saved-searches/{id}", expect(401, 404, 200, 404), body={"alerts": False}),
    Case("delete", "delete", "/saved-searches/{id}", expect(401, 404, 204, 404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=[case.name for case in API])
def test_api_access(clients: dict[str, Client], saved: SavedSearch, case: Case, role: str) -> None:
    path = "/api/v1" + case.path.format(id=saved.pk)
    client = clients[role]
    if case.method == "get":
        response = client.get(path)
    else:
        response = getattr(client, case.method)(path, data=json.dumps(case.body or {}),
                                                content_type="application/json")
    assert response.status_code == case.expected[role], response.content[:300]
    if role != "member":
        assert list(SavedSearch.objects.filter(pk=saved.pk).values_list("name", "alerts")) == [("隔膜", True)]


def test_the_api_answers(buyer: Member, saved: SavedSearch) -> None:
    client = buyer.client
    listed = client.get("/api/v1/saved-searches").json()
    assert listed["count"] == 1
    assert listed["items"][0] | {"created_at": None} == {
        "id": saved.pk, "name": "隔膜", "query": saved.query_string, "alerts": True, "alert_count": 0,
        "search_url": f"/search/?{saved.query_string}", "created_at": None}
    changed = client.patch(f"/api/v1/saved-searches/{saved.pk}", data=json.dumps({"name": "电池隔膜", "alerts": False}),
                           content_type="application/json").json()
    assert (changed["name"], changed["alerts"]) == ("电池隔膜", False)

    refused = client.post("/api/v1/saved-searches", data=json.dumps({"name": "x", "query": "ip_type=rocket"}),
                          content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"query": "“rocket” is not a value of this filter."}
    twice = client.post("/api/v1/saved-searches", data=json.dumps({"name": "x", "query": saved.query_string}),
                        content_type="application/json")
    assert twice.status_code == 409
    assert SavedSearch.objects.count() == 1


PAGES = [
    Case("my saved searches", "get", "saved_searches:list", expect(302, 200, 200, 200)),
    Case("save", "post", "saved_searches:create", expect(302, 302, 302, 302),
         body={"name": "电池", "query": "q=电池", "alerts": "on"}),
    Case("switch alerts", "post", "saved_searches:alerts {id}", expect(302, 404, 302, 404), body={"alerts": "off"}),
    Case("delete", "post", "saved_searches:delete {id}", expect(302, 404, 302, 404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_access(clients: dict[str, Client], saved: SavedSearch, case: Case, role: str) -> None:
    name, *args = case.path.split(" ")
    url = reverse(name, args=[saved.pk] if args else [])
    client = clients[role]
    response = client.get(url) if case.method == "get" else client.post(url, case.body or {})
    assert response.status_code == case.expected[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if role != "member":
        assert list(SavedSearch.objects.filter(pk=saved.pk).values_list("name", "alerts")) == [("隔膜", True)]


def test_the_search_page_offers_to_save_the_search(buyer: Member, client: Client) -> None:
    page = buyer.client.get("/search/?q=锂电池&ip_type=patent&sort=newest").content.decode()
    assert 'id="save-search"' in page
    assert 'name="query" value="q=%E9%94%82%E7%94%B5%E6%B1%A0&amp;ip_type=patent&amp;sort=newest"' in page
    assert 'name="name" id="id_name" maxlength="100" required value="锂电池"' in page
    # Nothing to save on a bare search page; visitors are not offered it.
    assert 'id="save-search"' not in buyer.client.get("/search/").content.decode()
    assert 'id="save-search"' not in client.get("/search/?q=锂电池").content.decode()
    # The HTMX results part carries it too, so it follows the filters.
    fragment = buyer.client.get("/search/?q=锂电池&region=CN-44", headers={"HX-Request": "true"}).content.decode()
    assert "region=CN-44" in fragment and 'id="save-search"' in fragment


def test_saving_from_the_search_page_with_htmx(buyer: Member) -> None:
    htmx = {"HX-Request": "true"}
    response = buyer.client.post("/saved-searches/new/", {"name": "锂电池", "alerts": "on",
                                                          "query": "q=锂电池&ip_type=patent&sort=newest"}, headers=htmx)
    assert response.status_code == 201
    assert "Saved as “锂电池”." in response.content.decode()
    saved = SavedSearch.objects.get()
    assert (saved.name, saved.alerts) == ("锂电池", True)
    assert saved.query_string == "q=%E9%94%82%E7%94%B5%E6%B1%A0&ip_type=patent"

    again = buyer.client.post("/saved-searches/new/", {"name": "again", "query": "q=锂电池&ip_type=patent"},
                              headers=htmx)
    assert again.status_code == 400
    assert "You saved this search already, as “锂电池”." in again.content.decode()
    empty = buyer.client.post("/saved-searches/new/", {"name": "", "query": "q=电池"}, headers=htmx)
    assert empty.status_code == 400
    assert 'class="errorlist"' in empty.content.decode()
    assert SavedSearch.objects.count() == 1


def test_the_list_page_switches_alerts_and_deletes_with_htmx(buyer: Member, saved: SavedSearch) -> None:
    page = buyer.client.get("/saved-searches/").content.decode()
    assert f'id="saved-search-{saved.pk}"' in page
    assert "Keywords:</span> 锂电池隔膜" in page
    assert "Region:</span> Guangdong" in page
    htmx = {"HX-Request": "true"}
    row = buyer.client.post(f"/saved-searches/{saved.pk}/alerts/", {"alerts": "off"}, headers=htmx)
    assert row.status_code == 200
    assert row.content.decode().startswith(f'<tr id="saved-search-{saved.pk}">')
    assert "Off — switch on" in row.content.decode()
    assert SavedSearch.objects.get().alerts is False
    gone = buyer.client.post(f"/saved-searches/{saved.pk}/delete/", headers=htmx)
    assert (gone.status_code, gone.content) == (200, b"")
    assert SavedSearch.objects.count() == 0


def test_saving_without_htmx_redirects(buyer: Member, operator: User) -> None:
    response = buyer.client.post("/saved-searches/new/", {"name": "电池", "query": "q=电池"})
    assert response["Location"] == "/saved-searches/"
    refused = buyer.client.post("/saved-searches/new/", {"name": "电池", "query": "q=电池"})
    assert refused["Location"] == "/search/?q=%E7%94%B5%E6%B1%A0"
    assert SavedSearch.objects.count() == 1
