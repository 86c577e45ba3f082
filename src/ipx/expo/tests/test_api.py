"""The expo API: operators' writes, members' registration, records saved, deleted and imported."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ipx.accounts.models import User
from ipx.expo.inputs import COLUMNS
from ipx.expo.models import Edition, Event, Exhibitor, ExpoRecord
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db
API = "/api/v1/expo"


def post(client: Client, path: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(f"{API}{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def edition(operator_client: Client) -> Edition:
    response = post(operator_client, "/editions", {"slug": "gba-2099", "name": "GBA IP Expo 2099",
                                                   "start_date": "2099-11-13", "end_date": "2099-11-19"})
    assert response.status_code == 201, response.content
    return Edition.objects.get(slug="gba-2099")


def test_only_operators_add_editions_and_overlaps_are_refused(edition: Edition, owner: Member,
                                                              operator_client: Client) -> None:
    body = {"slug": "other", "name": "Other", "start_date": "2099-11-19", "end_date": "2099-11-20"}
    assert post(owner.client, "/editions", body).status_code == 403
    overlap = post(operator_client, "/editions", body)
    assert overlap.status_code == 409
    assert "start_date" in overlap.json()["error"]["fields"]
    assert Edition.objects.count() == 1


def test_layout_registration_and_schedule(edition: Edition, operator_client: Client, owner: Member,
                                          client: Client) -> None:
    hall = post(operator_client, "/editions/gba-2099/halls", {"name": "Hall 1"}).json()
    assert hall["slug"] == "hall-1"
    zone = post(operator_client, "/editions/gba-2099/zones", {"name": "GI", "kind": "gi", "hall_id": hall["id"]})
    assert zone.status_code == 201
    registered = post(owner.client, "/editions/gba-2099/exhibitors", {"organisation_id": owner.organisation.pk})
    assert registered.status_code == 201
    exhibitor = registered.json()
    assert (exhibitor["origin"], exhibitor["booth"]) == ("mainland", "")
    booth = post(operator_client, f"/exhibitors/{exhibitor['id']}/booth", {"hall_id": hall["id"], "booth": "b-1"})
    assert booth.json()["booth"] == "B-1"
    exhibit = post(owner.client, f"/exhibitors/{exhibitor['id']}/exhibits",
                   {"ip_type": "gi", "title": "新会陈皮", "zone_id": zone.json()["id"]})
    assert exhibit.status_code == 201
    stream = post(operator_client, "/editions/gba-2099/events", {
        "kind": "live_stream", "title": "Roadshow live", "starts_at": "2099-11-14T02:00:00Z",
        "ends_at": "2099-11-14T03:00:00Z"})
    assert stream.status_code == 400
    assert "stream_url" in stream.json()["error"]["fields"]
    ceremony = post(operator_client, "/editions/gba-2099/events", {
        "kind": "signing", "title": "Signing", "starts_at": "2099-11-14T02:00:00Z", "ends_at": "2099-11-14T03:00:00Z"})
    signed = post(operator_client, f"/events/{ceremony.json()['id']}/signings", {
        "parties": ["甲方", "乙方"], "ip_type": "trademark", "amount": "2970000.00"})
    assert signed.status_code == 201
    detail = client.get(f"{API}/editions/gba-2099").json()
    assert detail["exhibitors"]["total"] == 1 and detail["exhibits"] == {"gi": 1}
    schedule = client.get(f"{API}/editions/gba-2099/events").json()
    assert schedule[0]["signings"][0]["parties"] == ["甲方", "乙方"]
    assert Exhibitor.objects.get().booth == "B-1"
    assert Event.objects.count() == 1


def test_records_saved_updated_deleted_and_imported(edition: Edition, operator_client: Client,
                                                    operator: User, owner: Member) -> None:
    body = {"edition": "gba-2099", "date": "2099-11-13", "kind": "transaction", "ip_type": "copyright",
            "amount": "1000.00", "currency": "MOP", "fx_rate_to_cny": "0.8655", "items": "7"}
    assert post(owner.client, "/records/C-1", body, "put").status_code == 403
    saved = post(operator_client, "/records/C-1", body, "put")
    assert saved.status_code == 200
    out = saved.json()
    assert (out["amount_cny"], out["fx_rate_to_cny"], out["items"]) == ("865.50", "0.8655", 7)
    missing_rate = post(operator_client, "/records/C-2", {**body, "fx_rate_to_cny": ""}, "put")
    assert missing_rate.status_code == 400
    assert "fx_rate_to_cny" in missing_rate.json()["error"]["fields"]
    platform = post(operator_client, "/records/deal:5", {**body}, "put")
    assert platform.status_code == 400
    assert list(ExpoRecord.objects.values_list("ref", flat=True)) == ["C-1"]
    assert operator_client.delete(f"{API}/records/C-1").status_code == 204
    assert operator_client.delete(f"{API}/records/C-1").status_code == 404
    csv = "\n".join((",".join(COLUMNS), "P-1,gba-2099,2099-11-15,pledge,,300000000,CNY,,,,,",
                     "P-1,gba-2099,2099-11-16,pledge,,1,CNY,,,,,", "P-2,gba-2099,2099-11-16,pledge,,1,CNY,,,,,"))
    report = operator_client.post(f"{API}/record-imports",
                                  {"file": SimpleUploadedFile("r.csv", csv.encode(), content_type="text/csv")})
    assert report.status_code == 200
    assert report.json()["created"] == 1 and [(e["row"], e["column"]) for e in report.json()["errors"]] == [
        (2, "ref"), (3, "ref")]
    listed = operator_client.get(f"{API}/records?edition=gba-2099").json()
    assert [(r["ref"], r["amount_cny"]) for r in listed["items"]] == [("P-2", "1.00")]
