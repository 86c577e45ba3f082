"""Exhibits: a right of one IP type, or a product embodying IP with the rights it involves;
what the service and the API take and refuse, and how an edition counts them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from ipx.core.errors import ValidationFailed
from ipx.expo import selectors
from ipx.expo.inputs import MAX_RIGHTS_INVOLVED, EditionInput
from ipx.expo.models import Edition, Exhibit, Exhibitor
from ipx.expo.services.editions import edition_create
from ipx.expo.services.exhibition import exhibit_add, exhibitor_register
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db
API = "/api/v1/expo"


@pytest.fixture
def exhibitor(owner: Member) -> Exhibitor:
    edition = edition_create(data=EditionInput(slug="gba-2099", name="GBA IP Expo 2099", start_date=date(2099, 11, 13),
                                               end_date=date(2099, 11, 19)))
    return exhibitor_register(actor=owner.user, edition_id=edition.pk, organisation_id=owner.organisation.pk)


def test_a_product_is_shown_with_the_rights_it_involves(owner: Member, exhibitor: Exhibitor) -> None:
    exhibit_add(actor=owner.user, exhibitor_id=exhibitor.pk, ip_type="patent", title="A patented valve")
    shown = exhibit_add(actor=owner.user, exhibitor_id=exhibitor.pk, kind="product", title="A smart kettle",
                        patents=3, trademarks=2, copyrights=0)
    exhibit_add(actor=owner.user, exhibitor_id=exhibitor.pk, kind="product", title="A reading app",
                trademarks=1, copyrights=4)

    assert (shown.kind, shown.ip_type, shown.patents, shown.trademarks, shown.copyrights) == (
        "product", "", 3, 2, 0)
    assert selectors.exhibit_counts(exhibitor.edition_id) == {"patent": 1}
    assert selectors.product_counts(exhibitor.edition_id) == selectors.ProductCounts(
        products=2, patents=3, trademarks=3, copyrights=4)


@pytest.mark.parametrize(("given", "field"), [
    ({"kind": "product", "patents": -1, "trademarks": 2}, "patents"),
    ({"kind": "product", "copyrights": MAX_RIGHTS_INVOLVED + 1}, "copyrights"),
    ({"kind": "product"}, "patents"),  # a product involving no right at all
    ({"kind": "product", "ip_type": "patent", "patents": 1}, "ip_type"),
    ({"kind": "right", "ip_type": "patent", "trademarks": 1}, "trademarks"),
    ({"kind": "right"}, "ip_type"),
    ({"kind": "service", "ip_type": "patent"}, "kind"),
])
def test_bad_kinds_and_counts_are_refused_on_their_field(owner: Member, exhibitor: Exhibitor,
                                                         given: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        exhibit_add(actor=owner.user, exhibitor_id=exhibitor.pk, title="Something", **given)
    assert field in (refused.value.fields or {})
    assert not Exhibit.objects.exists()


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def test_the_api_adds_a_product_and_the_edition_counts_it(owner: Member, exhibitor: Exhibitor,
                                                          client: Client) -> None:
    made = _post(owner.client, f"/exhibitors/{exhibitor.pk}/exhibits",
                 {"kind": "product", "title": "A smart kettle", "patents": 3, "trademarks": 2})
    assert made.status_code == 201, made.content
    assert {key: made.json()[key] for key in ("kind", "ip_type", "patents", "trademarks", "copyrights")} == {
        "kind": "product", "ip_type": "", "patents": 3, "trademarks": 2, "copyrights": 0}
    right = _post(owner.client, f"/exhibitors/{exhibitor.pk}/exhibits", {"ip_type": "gi", "title": "新会陈皮"})
    assert right.status_code == 201 and right.json()["kind"] == "right"

    detail = client.get(f"{API}/editions/{Edition.objects.get().slug}").json()
    assert detail["exhibits"] == {"gi": 1}
    assert detail["products"] == {"products": 1, "patents": 3, "trademarks": 2, "copyrights": 0}


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "product", "title": "Kettle", "patents": -2}, "patents"),
    ({"kind": "product", "title": "Kettle", "trademarks": MAX_RIGHTS_INVOLVED + 1}, "trademarks"),
    ({"kind": "product", "title": "Kettle"}, "patents"),
    ({"ip_type": "patent", "title": "Valve", "copyrights": 1}, "copyrights"),
])
def test_the_api_refuses_bad_counts_with_the_field(owner: Member, exhibitor: Exhibitor, body: dict[str, Any],
                                                   field: str) -> None:
    refused = _post(owner.client, f"/exhibitors/{exhibitor.pk}/exhibits", body)
    assert refused.status_code == 400, refused.content
    assert field in refused.json()["error"]["fields"]
    assert not Exhibit.objects.exists()
