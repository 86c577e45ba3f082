"""The expo's pages: public pages of an edition, registering, and the operators' back-office."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import User
from ipx.expo.inputs import COLUMNS, EditionInput
from ipx.expo.models import Edition, Event, Exhibitor, ExpoRecord, Hall, Signing, Zone
from ipx.expo.services.editions import edition_create
from ipx.expo.services.exhibition import (
    EventInput,
    SigningInput,
    booth_assign,
    event_create,
    exhibit_add,
    exhibitor_register,
    hall_create,
    signing_add,
    zone_create,
)
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(operator: User, owner: Member, outsider: Member) -> Edition:
    """An edition far ahead (open for registration) with a hall, a GI zone, booths and events."""
    shown = edition_create(data=EditionInput(slug="gba-2099", name="GBA IP Expo 2099", start_date=date(2099, 11, 13),
                                             end_date=date(2099, 11, 19), organisers="Organiser A\nOrganiser B"))
    hall = hall_create(operator=operator, edition_id=shown.pk, name="Hall 1", slug="")
    zone = zone_create(operator=operator, edition_id=shown.pk, name="GI products", slug="gi", kind=Zone.Kind.GI,
                       hall_id=hall.pk)
    exhibitor = exhibitor_register(actor=owner.user, edition_id=shown.pk, organisation_id=owner.organisation.pk)
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=hall.pk, booth="a-12")
    exhibit_add(actor=owner.user, exhibitor_id=exhibitor.pk, ip_type="gi", title="增城丝苗米", zone_id=zone.pk)
    exhibit_add(actor=owner.user, exhibitor_id=exhibitor.pk, kind="product", title="智能电饭煲", patents=12,
                trademarks=3, copyrights=1)
    exhibitor_register(actor=outsider.user, edition_id=shown.pk, organisation_id=outsider.organisation.pk)
    signing = event_create(operator=operator, edition_id=shown.pk, data=EventInput(
        kind=Event.Kind.SIGNING, title="Signing ceremony", starts_at=datetime(2099, 11, 13, 2, tzinfo=UTC),
        ends_at=datetime(2099, 11, 13, 4, tzinfo=UTC)))
    signing_add(operator=operator, event_id=signing.pk, data=SigningInput(
        parties=("Party A", "Party B"), ip_type="patent", amount=Decimal("1000.00"), currency="HKD",
        fx_rate_to_cny=Decimal("0.85")))
    return shown


def test_public_pages_show_the_edition(edition: Edition, client: Client) -> None:
    hall = Hall.objects.get()
    exhibitor = Exhibitor.objects.get(booth="A-12")
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "Hall 1" in page and "GI products" in page and "Organiser B" in page
    assert "1 from Hong Kong, Macao or Taiwan" in page
    assert "IP products (rights involved — patents: 12, trademarks: 3, copyrights: 1)" in page
    assert "A-12" in client.get(hall.get_absolute_url()).content.decode()
    assert "增城丝苗米" in client.get(Zone.objects.get().get_absolute_url()).content.decode()
    assert "增城丝苗米" in client.get(exhibitor.get_absolute_url()).content.decode()
    schedule = client.get(reverse("expo:schedule", args=[edition.slug])).content.decode()
    assert "Party A; Party B" in schedule
    assert client.get(reverse("expo:editions")).status_code == 200
    assert client.get(reverse("expo:edition", args=["no-such"])).status_code == 404


def test_a_signed_agreement_is_an_intended_record(edition: Edition) -> None:
    record = ExpoRecord.objects.get()
    assert (record.kind, record.ip_type, record.amount_cny, record.date) == (
        "intended", "patent", Decimal("850.00"), date(2099, 11, 13))


def test_a_member_registers_once(edition: Edition, buyer: Member) -> None:
    url = reverse("expo:register", args=[edition.slug])
    response = buyer.client.post(url, {"organisation_id": buyer.organisation.pk, "online": "on"})
    assert response.status_code == 302
    exhibitor = Exhibitor.objects.get(organisation=buyer.organisation)
    assert (exhibitor.origin, exhibitor.online) == ("mainland", True)
    again = buyer.client.post(url, {"organisation_id": buyer.organisation.pk, "online": "on"})
    assert again.status_code == 400
    assert "registered in this edition already" in again.content.decode()
    assert Exhibitor.objects.filter(organisation=buyer.organisation).count() == 1


def test_the_back_office_is_for_operators(owner: Member) -> None:
    assert owner.client.get(reverse("expo:manage")).status_code == 403


def test_operator_adds_an_edition_and_refuses_an_overlap(edition: Edition, operator_client: Client) -> None:
    url = reverse("expo:manage")
    form = {"form": "edition", "edition-name": "Overlap", "edition-slug": "overlap",
            "edition-start_date": "2099-11-19", "edition-end_date": "2099-11-21", "edition-online": "on"}
    refused = operator_client.post(url, form)
    assert refused.status_code == 400
    assert "editions may not overlap" in refused.content.decode()
    form.update({"edition-slug": "gba-2100", "edition-start_date": "2100-11-19", "edition-end_date": "2100-11-21"})
    assert operator_client.post(url, form).status_code == 302
    assert Edition.objects.filter(slug="gba-2100").exists()


def test_operator_uploads_records_and_sees_each_refused_row(edition: Edition, operator_client: Client) -> None:
    body = "\n".join((",".join(COLUMNS), "T1,gba-2099,2099-11-13,transaction,patent,10,CNY,,,,,",
                      "T2,gba-2099,2099-11-13,transaction,patent,10,HKD,,,,,")).encode("gbk")
    response = operator_client.post(reverse("expo:manage"), {
        "form": "records", "records-file": SimpleUploadedFile("records.csv", body, content_type="text/csv")})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 rows: 1 created, 0 updated, 1 refused." in page
    assert "<td data-label=\"Column\">fx_rate_to_cny</td>" in page
    assert set(ExpoRecord.objects.values_list("ref", flat=True)) == {"T1", f"signing:{Signing.objects.get().pk}"}


def test_operator_lays_out_an_edition(edition: Edition, operator_client: Client) -> None:
    url = reverse("expo:manage_edition", args=[edition.slug])
    assert operator_client.post(url, {"form": "hall", "hall-name": "Hall 2", "hall-position": "2"}).status_code == 302
    refused = operator_client.post(url, {"form": "zone", "zone-name": "GI products", "zone-slug": "gi",
                                         "zone-kind": "gi"})
    assert refused.status_code == 400
    assert "has a zone called" in refused.content.decode()
    late = operator_client.post(url, {"form": "event", "event-kind": "forum", "event-title": "Forum",
                                      "event-starts_at": "2099-12-01T10:00", "event-ends_at": "2099-12-01T11:00"})
    assert late.status_code == 400
    assert list(Hall.objects.values_list("slug", flat=True)) == ["hall-1", "hall-2"]
    assert Event.objects.count() == 1



def test_the_home_page_is_open_all_year_between_editions(client: Client, on_commit: Callable[..., Any]) -> None:
    assert "Open all year" in client.get("/").content.decode()
    with on_commit():
        edition_create(data=EditionInput(slug="ahead", name="Expo ahead", start_date=date(2099, 1, 1),
                                         end_date=date(2099, 1, 2)))
    page = client.get("/").content.decode()
    assert "Open all year" in page and "The next edition, Expo ahead, opens on" in page


def test_the_home_page_says_an_edition_is_on(client: Client, on_commit: Callable[..., Any]) -> None:
    client.get("/")
    today = timezone.localdate()
    with on_commit():
        edition_create(data=EditionInput(slug="on-now", name="Expo on now", start_date=today, end_date=today))
    page = client.get("/").content.decode()
    assert "Expo on now is on" in page and "Open all year" not in page
