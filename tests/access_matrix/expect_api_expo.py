"""The expo's API (``ipx.testing.expo_world``): anyone reads editions and schedules; the
operators lay out editions and keep the records; a verified organisation's people register it
and its members show exhibits in its booth."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ipx.testing.access_world import AccessWorld
from ipx.testing.expo_world import records_csv

from .expect_pages_expo import PAST, edition
from .matrix import DENY, HOME, LOGIN, OK, OPERATORS, PUBLIC, Entry, const, every, ids

E = "/api/v1/expo"
REGISTERS = every(OK, anonymous=LOGIN, unverified=DENY)
EXHIBITORS = every(DENY, anonymous=LOGIN, operator=OK, **HOME)
STREAM = ids(event_id=lambda world: world.expo.stream.pk)
CEREMONY = ids(event_id=lambda world: world.expo.next_ceremony.pk)
EXHIBITOR = ids(exhibitor_id=lambda world: world.expo.exhibitor.pk)
RECORD = ids(ref=lambda world: world.expo.record.ref)


def _edition(world: AccessWorld, role: str) -> dict[str, object]:
    return {"slug": f"mx-new-{role}", "name": f"MX new {role}", "start_date": "2098-03-01",
            "end_date": "2098-03-03"}


def _register(world: AccessWorld, role: str) -> dict[str, object]:
    own = world.own_organisation(role) or world.home
    return {"organisation_id": own.pk}


def _record(world: AccessWorld, role: str) -> dict[str, object]:
    return {"edition": world.expo.past.slug, "date": "2002-11-15", "kind": "gi_sale", "ip_type": "gi",
            "amount": "88.80", "items": "3"}


def _import(world: AccessWorld, role: str) -> dict[str, object]:
    body = records_csv(world.expo.past.slug, f"mx-api-{role}", world.expo.past.start_date)
    return {"file": SimpleUploadedFile("records.csv", body, content_type="text/csv")}


ENTRIES = [
    Entry(f"{E}/editions", "GET", PUBLIC),
    Entry(f"{E}/editions", "POST", OPERATORS, body=_edition),
    Entry(E + "/editions/{slug}", "GET", PUBLIC, args=edition()),
    Entry(E + "/editions/{slug}/halls", "POST", OPERATORS, args=edition(),
          body=lambda world, role: {"name": f"Hall {role}"}),
    Entry(E + "/editions/{slug}/zones", "POST", OPERATORS, args=edition(),
          body=lambda world, role: {"name": f"Zone {role}", "kind": "theme"}),
    Entry(E + "/editions/{slug}/events", "GET", PUBLIC, args=PAST),
    Entry(E + "/editions/{slug}/events", "POST", OPERATORS, args=edition(),
          body=const({"kind": "forum", "title": "MX forum", "starts_at": "2099-11-15T02:00:00Z",
                      "ends_at": "2099-11-15T03:00:00Z"})),
    Entry(E + "/editions/{slug}/exhibitors", "POST", REGISTERS, args=edition(), body=_register),
    Entry(E + "/events/{event_id}/viewers", "POST", OPERATORS, args=STREAM, body=const({"viewers": 1200})),
    Entry(E + "/events/{event_id}/signings", "POST", OPERATORS, args=CEREMONY,
          body=const({"parties": ["MX A", "MX B"], "ip_type": "trademark", "amount": "2970000.00"})),
    Entry(E + "/exhibitors/{exhibitor_id}/booth", "POST", OPERATORS, args=EXHIBITOR,
          body=const({"booth": "B-9"})),
    Entry(E + "/exhibitors/{exhibitor_id}/exhibits", "POST", EXHIBITORS, args=EXHIBITOR,
          body=const({"ip_type": "patent", "title": "MX exhibit"})),
    Entry(f"{E}/records", "GET", OPERATORS),
    Entry(E + "/records/{ref}", "PUT", OPERATORS, args=RECORD, body=_record),
    Entry(E + "/records/{ref}", "DELETE", OPERATORS, args=RECORD),
    Entry(f"{E}/record-imports", "POST", OPERATORS, body=_import, multipart=True),
]
