"""The expo's pages (``ipx.testing.expo_world``).

Anyone reads the editions, an edition, its halls, zones, schedule and booths. Anyone signed in
for a verified organisation registers it to exhibit in an edition ahead (an unverified one is
told no on the form; someone of no organisation is sent to set one up). The back-office (the
editions, the records upload, an edition's halls, zones and events, an exhibitor's booth, a live
stream's viewers and a ceremony's agreements) is the operators'.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ipx.testing.access_world import AccessWorld
from ipx.testing.expo_world import records_csv

from .matrix import FORM, LOGIN, MOVED, OK, OPERATORS, PUBLIC, Args, Entry, every, form_page, ids, read_only


def edition(name: str = "next") -> Args:
    return ids(slug=lambda world: getattr(world.expo, name).slug)


PAST = ids(slug=lambda world: world.expo.past.slug)
HALL = ids(slug=lambda world: world.expo.past.slug, hall_slug=lambda world: world.expo.hall.slug)
ZONE = ids(slug=lambda world: world.expo.past.slug, zone_slug=lambda world: world.expo.zone.slug)
BOOTH = ids(slug=lambda world: world.expo.past.slug, exhibitor_id=lambda world: world.expo.exhibitor.pk)
STREAM = ids(slug=lambda world: world.expo.past.slug, event_id=lambda world: world.expo.stream.pk)
CEREMONY = ids(slug=lambda world: world.expo.past.slug, event_id=lambda world: world.expo.ceremony.pk)
# Registering: a verified organisation's people; the operator belongs to none.
REGISTER_FORM = every(OK, anonymous=LOGIN, operator=MOVED)
REGISTERS = every(OK, anonymous=LOGIN, unverified=FORM, operator=MOVED)


def _register(world: AccessWorld, role: str) -> dict[str, object]:
    own = world.own_organisation(role)
    return {"organisation_id": str(own.pk) if own else "", "online": "on"}


def _upload(world: AccessWorld, role: str) -> dict[str, object]:
    body = records_csv(world.expo.past.slug, f"mx-upload-{role}", world.expo.past.start_date)
    return {"form": "records", "records-file": SimpleUploadedFile("records.csv", body, content_type="text/csv")}


def _hall(world: AccessWorld, role: str) -> dict[str, object]:
    return {"form": "hall", "hall-name": f"Hall {role}", "hall-position": "2"}


def _booth(world: AccessWorld, role: str) -> dict[str, object]:
    return {"form": "booth", "booth-hall_id": str(world.expo.hall.pk), "booth-booth": "B-9"}


def _exhibit(world: AccessWorld, role: str) -> dict[str, object]:
    return {"form": "exhibit", "exhibit-kind": "product", "exhibit-title": f"MX product {role}",
            "exhibit-zone_id": str(world.expo.zone.pk), "exhibit-patents": "2", "exhibit-trademarks": "1"}


def _signing(world: AccessWorld, role: str) -> dict[str, object]:
    return {"form": "signing", "signing-parties": "MX A\nMX B", "signing-ip_type": "trademark",
            "signing-amount": "2970000.00", "signing-currency": "CNY"}


ENTRIES = [
    *read_only("expo/", PUBLIC, login=False),
    *form_page("expo/manage/", OPERATORS, OPERATORS, body=_upload),
    *form_page("expo/manage/<slug:slug>/", OPERATORS, OPERATORS, args=edition(), body=_hall),
    *form_page("expo/manage/<slug:slug>/exhibitors/<id:exhibitor_id>/", OPERATORS, OPERATORS, args=BOOTH,
               body=_booth),
    Entry("expo/manage/<slug:slug>/exhibitors/<id:exhibitor_id>/", "POST", OPERATORS, args=BOOTH, body=_exhibit,
          variant="exhibit"),
    *form_page("expo/manage/<slug:slug>/events/<id:event_id>/", OPERATORS, OPERATORS, args=STREAM,
               body=lambda world, role: {"form": "viewers", "viewers-viewers": "1200"}),
    Entry("expo/manage/<slug:slug>/events/<id:event_id>/", "POST", OPERATORS, args=CEREMONY, body=_signing,
          variant="signing"),
    *read_only("expo/<slug:slug>/", PUBLIC, login=False, args=edition()),
    *form_page("expo/<slug:slug>/register/", REGISTER_FORM, REGISTERS, args=edition(), body=_register),
    *read_only("expo/<slug:slug>/schedule/", PUBLIC, login=False, args=PAST),
    *read_only("expo/<slug:slug>/halls/<slug:hall_slug>/", PUBLIC, login=False, args=HALL),
    *read_only("expo/<slug:slug>/zones/<slug:zone_slug>/", PUBLIC, login=False, args=ZONE),
    *read_only("expo/<slug:slug>/booths/<id:exhibitor_id>/", PUBLIC, login=False, args=BOOTH),
]
