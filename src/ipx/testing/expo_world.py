"""The expo's part of the access world (``ipx.testing.access_world``), made through the expo's
services: a past edition (home exhibiting in a hall, an exhibit in the GI zone, a live stream
that has ended and a signing ceremony, a record) and an edition ahead, open for registration
and laid out with a hall, a zone and events, where nobody is registered yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from ipx.accounts.models import Organisation, User
from ipx.expo.inputs import COLUMNS, EditionInput
from ipx.expo.models import Edition, Event, Exhibitor, ExpoRecord, Hall, Zone
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
from ipx.expo.services.records import import_records

# Days no other edition of the tests' worlds holds (editions may not overlap).
PAST = ("mx-expo-2002", date(2002, 11, 13), date(2002, 11, 19))
NEXT = ("mx-expo-2099", date(2099, 11, 13), date(2099, 11, 19))
RECORD_REF = "mx-record-1"


@dataclass(frozen=True)
class ExpoWorld:
    past: Edition
    next: Edition
    hall: Hall  # of the past edition
    zone: Zone  # the past edition's GI zone
    exhibitor: Exhibitor  # home, in the past edition
    stream: Event  # a live stream of the past edition (ended: its viewers may be entered)
    ceremony: Event  # a signing ceremony of the past edition
    next_hall: Hall
    next_zone: Zone
    next_ceremony: Event
    record: ExpoRecord


def records_csv(edition: str, ref: str, day: date) -> bytes:
    return "\n".join((",".join(COLUMNS),
                      f"{ref},{edition},{day.isoformat()},transaction,patent,1000.00,CNY,,,,,register")).encode()


def build_expo_world(*, home: Organisation, admin: User, operator: User) -> ExpoWorld:
    editions = [edition_create(data=EditionInput(slug=slug, name=f"MX expo {start.year}", start_date=start,
                                                 end_date=end, organisers="Organising committee"))
                for slug, start, end in (PAST, NEXT)]
    past, coming = editions
    hall = hall_create(operator=operator, edition_id=past.pk, name="Hall 1", slug="hall-1")
    zone = zone_create(operator=operator, edition_id=past.pk, name="GI products", slug="gi", kind=Zone.Kind.GI)
    exhibitor = exhibitor_register(actor=operator, edition_id=past.pk, organisation_id=home.pk)
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=hall.pk, booth="A-1")
    exhibit_add(actor=admin, exhibitor_id=exhibitor.pk, ip_type="gi", title="MX 增城丝苗米", zone_id=zone.pk)
    day = datetime(2002, 11, 14, 2, tzinfo=UTC)
    stream = event_create(operator=operator, edition_id=past.pk, data=EventInput(
        kind=Event.Kind.LIVE_STREAM, title="MX live roadshow", starts_at=day, ends_at=day.replace(hour=3),
        stream_url="https://live.example.com/mx"))
    ceremony = event_create(operator=operator, edition_id=past.pk, data=EventInput(
        kind=Event.Kind.SIGNING, title="MX signing ceremony", starts_at=day, ends_at=day.replace(hour=4)))
    signing_add(operator=operator, event_id=ceremony.pk, data=SigningInput(
        parties=("MX party A", "MX party B"), ip_type="patent", amount=Decimal("100000.00")))
    report = import_records(records_csv(past.slug, RECORD_REF, PAST[1]), actor=operator)
    assert not report.errors, report.errors
    next_hall = hall_create(operator=operator, edition_id=coming.pk, name="Hall 1", slug="hall-1")
    next_zone = zone_create(operator=operator, edition_id=coming.pk, name="Theme", slug="theme",
                            kind=Zone.Kind.THEME)
    later = datetime(2099, 11, 14, 2, tzinfo=UTC)
    next_ceremony = event_create(operator=operator, edition_id=coming.pk, data=EventInput(
        kind=Event.Kind.SIGNING, title="MX next signing", starts_at=later, ends_at=later.replace(hour=3)))
    return ExpoWorld(past=past, next=coming, hall=hall, zone=zone, exhibitor=exhibitor, stream=stream,
                     ceremony=ceremony, next_hall=next_hall, next_zone=next_zone, next_ceremony=next_ceremony,
                     record=ExpoRecord.objects.get(ref=RECORD_REF))
