"""The expo's back-office for an exhibitor and an event: an exhibitor's hall and booth, a live
stream's viewers and a ceremony's signed agreements entered on pages, through the services the
API calls. Bad input comes back on the form (400) with its field marked and nothing changed;
only operators reach these pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.expo.inputs import EditionInput
from ipx.expo.models import Edition, Event, Exhibit, Exhibitor, ExpoRecord, Hall, Signing, Zone
from ipx.expo.services.editions import edition_create
from ipx.expo.services.exhibition import (
    EventInput,
    booth_assign,
    event_create,
    exhibitor_register,
    hall_create,
    zone_create,
)
from ipx.testing.fixtures import Member
from ipx.testing.scenes import published_listing

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Expo:
    past: Edition  # ended: its live stream's viewers may be entered
    hall: Hall
    zone: Zone  # the GI zone
    other_hall: Hall  # of the edition ahead
    other_zone: Zone  # of the edition ahead
    exhibitor: Exhibitor  # owner's, at booth A-1 of the hall
    neighbour: Exhibitor  # outsider's, at booth A-2
    stream: Event
    ceremony: Event
    coming_stream: Event  # of the edition ahead: not over yet


def _day(year: int, hour: int) -> datetime:
    return datetime(year, 11, 14, hour, tzinfo=UTC)


@pytest.fixture
def expo(operator: User, owner: Member, outsider: Member) -> Expo:
    past = edition_create(data=EditionInput(slug="gba-2002", name="GBA IP Expo 2002", start_date=date(2002, 11, 13),
                                            end_date=date(2002, 11, 19)))
    coming = edition_create(data=EditionInput(slug="gba-2099", name="GBA IP Expo 2099",
                                              start_date=date(2099, 11, 13), end_date=date(2099, 11, 19)))
    hall = hall_create(operator=operator, edition_id=past.pk, name="Hall 1", slug="hall-1")
    other_hall = hall_create(operator=operator, edition_id=coming.pk, name="Hall 9", slug="hall-9")
    zone, other_zone = (zone_create(operator=operator, edition_id=shown.pk, name="GI products", slug="gi",
                                    kind=Zone.Kind.GI) for shown in (past, coming))
    exhibitor, neighbour = (exhibitor_register(actor=operator, edition_id=past.pk,
                                               organisation_id=member.organisation.pk) for member in (owner, outsider))
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=hall.pk, booth="A-1")
    booth_assign(operator=operator, exhibitor_id=neighbour.pk, hall_id=hall.pk, booth="A-2")
    stream, ceremony = (event_create(operator=operator, edition_id=past.pk, data=EventInput(
        kind=kind, title=title, starts_at=_day(2002, 2), ends_at=_day(2002, 3), stream_url=url))
        for kind, title, url in ((Event.Kind.LIVE_STREAM, "Live roadshow", "https://live.example.com/1"),
                                 (Event.Kind.SIGNING, "Signing ceremony", "")))
    coming_stream = event_create(operator=operator, edition_id=coming.pk, data=EventInput(
        kind=Event.Kind.LIVE_STREAM, title="Stream ahead", starts_at=_day(2099, 2), ends_at=_day(2099, 3),
        stream_url="https://live.example.com/2"))
    return Expo(past=past, hall=hall, zone=zone, other_hall=other_hall, other_zone=other_zone, exhibitor=exhibitor,
                neighbour=neighbour, stream=stream, ceremony=ceremony, coming_stream=coming_stream)


def exhibitor_url(expo: Expo, exhibitor: Exhibitor | None = None) -> str:
    return reverse("expo:manage_exhibitor", args=[expo.past.slug, (exhibitor or expo.exhibitor).pk])


def event_url(edition: Edition, event: Event) -> str:
    return reverse("expo:manage_event", args=[edition.slug, event.pk])


def marked(html: str, name: str) -> bool:
    """Whether the control named ``name`` is marked invalid and points at its error text."""
    control = re.search(rf'<[^>]*name="{re.escape(name)}"[^>]*>', html)
    return control is not None and 'aria-invalid="true"' in control[0] and "_error" in control[0]


def booth_of(exhibitor: Exhibitor) -> tuple[int | None, str]:
    exhibitor.refresh_from_db()
    return exhibitor.hall_id, exhibitor.booth


# --- An exhibitor's hall and booth ----------------------------------------------------------------

def test_the_edition_lists_its_exhibitors_for_their_booths(expo: Expo, operator_client: Client) -> None:
    page = operator_client.get(reverse("expo:manage_edition", args=[expo.past.slug])).content.decode()
    assert f'href="{exhibitor_url(expo)}"' in page and f'href="{exhibitor_url(expo, expo.neighbour)}"' in page
    assert f'href="{event_url(expo.past, expo.stream)}"' in page


def test_operator_moves_a_booth(expo: Expo, operator_client: Client) -> None:
    page = operator_client.get(exhibitor_url(expo))
    assert page.status_code == 200
    assert f'<option value="{expo.hall.pk}" selected>Hall 1</option>' in page.content.decode()
    moved = operator_client.post(exhibitor_url(expo), {"form": "booth", "booth-hall_id": "", "booth-booth": "b-7"})
    assert moved.status_code == 302 and moved["Location"] == exhibitor_url(expo)
    assert booth_of(expo.exhibitor) == (None, "B-7")


@pytest.mark.parametrize(("hall", "booth", "field", "says"), [
    ("same", "a-2", "booth-booth", "Booth A-2 is taken."),
    ("other", "B-1", "booth-hall_id", "Select a valid choice."),
    ("same", "B" * 21, "booth-booth", "at most 20 characters"),
])
def test_a_bad_booth_comes_back_marked(expo: Expo, operator_client: Client, hall: str, booth: str, field: str,
                                       says: str) -> None:
    hall_id = (expo.hall if hall == "same" else expo.other_hall).pk
    refused = operator_client.post(exhibitor_url(expo),
                                   {"form": "booth", "booth-hall_id": hall_id, "booth-booth": booth})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert marked(html, field) and says in html
    assert booth_of(expo.exhibitor) == (expo.hall.pk, "A-1")
    assert booth_of(expo.neighbour) == (expo.hall.pk, "A-2")


def test_operator_registers_an_organisation_at_the_desk(expo: Expo, operator_client: Client, buyer: Member,
                                                        owner: Member) -> None:
    url = reverse("expo:manage_edition", args=[expo.past.slug])
    page = operator_client.get(url).content.decode()
    assert f'<option value="{buyer.organisation.pk}">{buyer.organisation.name}</option>' in page
    assert f">{owner.organisation.name}</option>" not in page  # registered already
    sent = operator_client.post(url, {"form": "exhibitor", "exhibitor-organisation_id": buyer.organisation.pk,
                                      "exhibitor-on_site": "on", "exhibitor-introduction": "Desk registration"})
    registered = Exhibitor.objects.get(organisation=buyer.organisation)
    assert sent.status_code == 302 and sent["Location"] == exhibitor_url(expo, registered)
    assert (registered.edition, registered.origin, registered.online, registered.on_site, registered.introduction) == (
        expo.past, "mainland", False, True, "Desk registration")


@pytest.mark.parametrize(("which", "on_site", "field", "says"), [
    ("owner", "on", "organisation_id", "Select a valid choice."),
    ("buyer", "", "online", "Exhibit online, on site, or both."),
])
def test_a_bad_registration_comes_back_marked(expo: Expo, operator_client: Client, request: pytest.FixtureRequest,
                                              which: str, on_site: str, field: str, says: str) -> None:
    member: Member = request.getfixturevalue(which)
    refused = operator_client.post(reverse("expo:manage_edition", args=[expo.past.slug]), {
        "form": "exhibitor", "exhibitor-organisation_id": member.organisation.pk, "exhibitor-on_site": on_site})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert marked(html, f"exhibitor-{field}") and says in html
    assert Exhibitor.objects.count() == 2


def test_an_exhibitor_of_another_edition_is_not_found(expo: Expo, operator_client: Client) -> None:
    url = reverse("expo:manage_exhibitor", args=["gba-2099", expo.exhibitor.pk])
    assert operator_client.get(url).status_code == 404
    assert operator_client.post(url, {"form": "booth", "booth-booth": "C-1"}).status_code == 404
    assert booth_of(expo.exhibitor) == (expo.hall.pk, "A-1")


def test_a_form_the_page_has_not_is_refused(expo: Expo, operator_client: Client) -> None:
    assert operator_client.post(exhibitor_url(expo), {"form": "edition", "booth-booth": "C-1"}).status_code == 400
    assert booth_of(expo.exhibitor) == (expo.hall.pk, "A-1")


# --- What an exhibitor shows -----------------------------------------------------------------------

def exhibit(**changes: object) -> dict[str, object]:
    return {"form": "exhibit", "exhibit-kind": "product", "exhibit-title": "智能电饭煲", "exhibit-ip_type": "",
            "exhibit-patents": "3", "exhibit-trademarks": "2", "exhibit-copyrights": "",
            **{f"exhibit-{name}": value for name, value in changes.items()}}


def test_operator_shows_a_product_in_a_zone(expo: Expo, operator_client: Client) -> None:
    shown = operator_client.post(exhibitor_url(expo), exhibit(zone_id=expo.zone.pk))
    assert shown.status_code == 302
    found = Exhibit.objects.get()
    assert (found.exhibitor, found.zone, found.kind, found.ip_type, found.title, found.patents, found.trademarks,
            found.copyrights) == (expo.exhibitor, expo.zone, "product", "", "智能电饭煲", 3, 2, 0)
    said = "A product (patents: 3, trademarks: 2, copyrights: 0)"
    assert said in operator_client.get(exhibitor_url(expo)).content.decode()
    assert said in Client().get(expo.zone.get_absolute_url()).content.decode()


def test_operator_shows_the_exhibitors_listing_under_its_title(expo: Expo, operator_client: Client, owner: Member,
                                                               operator: User) -> None:
    listing = published_listing(owner.organisation, owner.user, operator, title="锂电池隔膜专利")
    page = operator_client.get(exhibitor_url(expo)).content.decode()
    assert f'<option value="{listing.pk}">锂电池隔膜专利</option>' in page
    sent = operator_client.post(exhibitor_url(expo), exhibit(kind="right", ip_type="patent", listing_id=listing.pk,
                                                             title="", patents="", trademarks=""))
    assert sent.status_code == 302
    found = Exhibit.objects.get()
    assert (found.kind, found.ip_type, found.title, found.listing, found.zone) == (
        "right", "patent", "锂电池隔膜专利", listing, None)


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"ip_type": "patent"}, "ip_type", "A product has no IP type of its own"),
    ({"kind": "right"}, "ip_type", "Choose an IP type."),
    ({"kind": "right", "ip_type": "gi"}, "patents", "Only a product involves rights of its own"),
    ({"patents": "", "trademarks": "0"}, "patents", "at least one patent, trademark or copyright"),
    ({"copyrights": "-1"}, "copyrights", "A number of rights is 0 or more."),
    ({"trademarks": "100001"}, "trademarks", "at most 100,000 rights of a kind"),
    ({"trademarks": "two"}, "trademarks", "Enter a whole number."),
    ({"title": ""}, "title", "A title is required."),
    ({"title": "展" * 201}, "title", "at most 200 characters"),
    ({"zone_id": "other"}, "zone_id", "Select a valid choice."),
    ({"listing_id": "999999"}, "listing_id", "Select a valid choice."),
    ({"kind": "service"}, "kind", "Select a valid choice."),
])
def test_a_bad_exhibit_comes_back_marked(expo: Expo, operator_client: Client, changes: dict[str, object], field: str,
                                         says: str) -> None:
    if changes.get("zone_id") == "other":
        changes = {"zone_id": expo.other_zone.pk}
    refused = operator_client.post(exhibitor_url(expo), exhibit(**changes))
    html = refused.content.decode()
    assert refused.status_code == 400
    assert says in html
    if field == "kind":  # a group of radio buttons: its fieldset points at the error
        assert re.search(r'<fieldset[^>]*id="field-exhibit-kind"[^>]*aria-describedby="[^"]*_error', html)
    else:
        assert marked(html, f"exhibit-{field}")
    assert Exhibit.objects.count() == 0


# --- A live stream's viewers ----------------------------------------------------------------------

def test_operator_enters_the_viewers_of_a_stream_that_ended(expo: Expo, operator_client: Client) -> None:
    url = event_url(expo.past, expo.stream)
    page = operator_client.get(url).content.decode()
    assert 'name="viewers-viewers"' in page and 'name="signing-parties"' not in page
    assert operator_client.post(url, {"form": "viewers", "viewers-viewers": "1200"}).status_code == 302
    expo.stream.refresh_from_db()
    assert expo.stream.viewer_count == 1200
    assert "1200 viewers" in operator_client.get(url).content.decode()


@pytest.mark.parametrize(("which", "viewers", "says"), [
    ("stream", "-5", "A number of viewers is 0 or more."),
    ("stream", "many", "Enter a whole number."),
    ("stream", "", "This field is required."),
    ("coming_stream", "300", "Viewers are counted once the stream has ended."),
    ("ceremony", "300", "Only live streams have viewers to count."),
])
def test_bad_viewers_come_back_marked(expo: Expo, operator_client: Client, which: str, viewers: str,
                                      says: str) -> None:
    event: Event = getattr(expo, which)
    refused = operator_client.post(event_url(event.edition, event), {"form": "viewers", "viewers-viewers": viewers})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert marked(html, "viewers-viewers") and says in html
    assert list(Event.objects.exclude(viewer_count=None)) == []


# --- A ceremony's signed agreements ---------------------------------------------------------------

def signing(**changes: str) -> dict[str, str]:
    return {"form": "signing", "signing-parties": "Party A\n\nParty B ", "signing-subject": "Battery patents",
            "signing-ip_type": "patent", "signing-amount": "1,000.50", "signing-currency": "HKD",
            "signing-fx_rate_to_cny": "0.85", **{f"signing-{name}": value for name, value in changes.items()}}


def test_operator_records_an_agreement_signed(expo: Expo, operator_client: Client) -> None:
    url = event_url(expo.past, expo.ceremony)
    page = operator_client.get(url).content.decode()
    assert 'name="signing-parties"' in page and 'name="viewers-viewers"' not in page
    assert operator_client.post(url, signing()).status_code == 302
    signed = Signing.objects.get()
    assert (signed.party_list, signed.subject, signed.ip_type, signed.amount, signed.currency,
            signed.fx_rate_to_cny) == (["Party A", "Party B"], "Battery patents", "patent", Decimal("1000.50"), "HKD",
                                       Decimal("0.85"))
    record = ExpoRecord.objects.get(signing=signed)
    assert (record.kind, record.amount_cny, record.date) == ("intended", Decimal("850.43"), date(2002, 11, 14))
    assert "Party A; Party B" in operator_client.get(url).content.decode()


def test_an_agreement_in_yuan_needs_no_rate(expo: Expo, operator_client: Client) -> None:
    sent = operator_client.post(event_url(expo.past, expo.ceremony),
                                signing(currency="CNY", fx_rate_to_cny="", amount="2970000"))
    assert sent.status_code == 302
    assert ExpoRecord.objects.get().amount_cny == Decimal("2970000.00")


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"parties": "Party A"}, "parties", "at least two parties"),
    ({"fx_rate_to_cny": ""}, "fx_rate_to_cny", "An exchange rate to CNY is required for an amount in HKD."),
    ({"amount": "一百万"}, "amount", "Enter an amount as a number"),
    ({"amount": "-3"}, "amount", "An amount cannot be negative."),
    ({"amount": "1.005"}, "amount", "no more than 2 decimal places"),
    ({"currency": "XYZ"}, "currency", "Select a valid choice."),
    ({"ip_type": "recipe"}, "ip_type", "Select a valid choice."),
])
def test_a_bad_agreement_comes_back_marked(expo: Expo, operator_client: Client, changes: dict[str, str], field: str,
                                           says: str) -> None:
    refused = operator_client.post(event_url(expo.past, expo.ceremony), signing(**changes))
    html = refused.content.decode()
    assert refused.status_code == 400
    assert marked(html, f"signing-{field}") and says in html
    assert (Signing.objects.count(), ExpoRecord.objects.count()) == (0, 0)


def test_only_a_ceremony_records_agreements(expo: Expo, operator_client: Client) -> None:
    refused = operator_client.post(event_url(expo.past, expo.stream), signing())
    assert refused.status_code == 400
    assert "Agreements are signed at signing ceremonies." in refused.content.decode()
    assert (Signing.objects.count(), ExpoRecord.objects.count()) == (0, 0)


# --- Who may ------------------------------------------------------------------------------------------

def test_a_member_who_is_no_operator_is_refused(expo: Expo, owner: Member) -> None:
    client = owner.client
    for url, body in ((exhibitor_url(expo), {"form": "booth", "booth-booth": "Z-9"}), (exhibitor_url(expo), exhibit()),
                      (reverse("expo:manage_edition", args=[expo.past.slug]),
                       {"form": "exhibitor", "exhibitor-organisation_id": owner.organisation.pk}),
                      (event_url(expo.past, expo.stream), {"form": "viewers", "viewers-viewers": "5"}),
                      (event_url(expo.past, expo.ceremony), signing())):
        assert client.get(url).status_code == 403
        assert client.post(url, body).status_code == 403
    assert booth_of(expo.exhibitor) == (expo.hall.pk, "A-1")
    assert list(Event.objects.exclude(viewer_count=None)) == []
    assert (Signing.objects.count(), Exhibit.objects.count(), Exhibitor.objects.count()) == (0, 0, 2)


def test_someone_signed_out_is_sent_to_sign_in(expo: Expo, client: Client) -> None:
    answer = client.get(exhibitor_url(expo))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
