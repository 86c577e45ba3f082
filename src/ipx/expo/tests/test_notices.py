"""An exhibitor is told where its booth is when the operators assign it, move it or take it
away; assigning the same booth again tells no one."""

from __future__ import annotations

from datetime import date

import pytest

from ipx.accounts.models import User
from ipx.expo.inputs import EditionInput
from ipx.expo.services.editions import edition_create
from ipx.expo.services.exhibition import booth_assign, exhibitor_register, hall_create
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_the_exhibitor_hears_of_its_booth_each_time_it_changes(operator: User, owner: Member) -> None:
    edition = edition_create(data=EditionInput(slug="gba-2099", name="GBA IP Expo 2099", start_date=date(2099, 11, 13),
                                               end_date=date(2099, 11, 19)))
    hall = hall_create(operator=operator, edition_id=edition.pk, name="Hall 1", slug="hall-1")
    exhibitor = exhibitor_register(actor=owner.user, edition_id=edition.pk, organisation_id=owner.organisation.pk)
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=hall.pk, booth="a-12")
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=hall.pk, booth="A-12")  # no change
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=None, booth="B-3")
    booth_assign(operator=operator, exhibitor_id=exhibitor.pk, hall_id=None, booth="")
    notices = list(Notification.objects.order_by("pk"))
    assert {(n.user, n.url) for n in notices} == {(owner.user, f"/expo/gba-2099/booths/{exhibitor.pk}/")}
    assert [n.title for n in notices] == ["Your booth at GBA IP Expo 2099"] * 3
    assert [n.body for n in notices] == [
        "GBA IP Expo 2099: your booth is A-12 in Hall 1.",
        "GBA IP Expo 2099: your booth is B-3.",
        "GBA IP Expo 2099: your booth was withdrawn; the operators will assign another."]
