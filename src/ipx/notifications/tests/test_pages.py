"""The inbox page: each user sees only their own notifications, in their own language; marking
one read follows its link on this site only; someone else's cannot be marked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.notices import wording
from ipx.notifications.models import Notification
from ipx.notifications.services import notify
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

VERB = "notifications.page_test"
wording(VERB, title=lambda params: _("Log in"), body=lambda params: f"通知 {params['n']}")


def _tell(member: Member, n: int, url: str = "") -> Notification:
    return notify(verb=VERB, params={"n": n}, url=url or f"/n/{n}/", organisations=[member.organisation])[0]


def _read_state() -> list[tuple[int, bool]]:
    return [(n.pk, n.read_at is not None) for n in Notification.objects.order_by("pk")]


def test_inbox_shows_mine_only_in_my_language(buyer: Member, outsider: Member) -> None:
    User.objects.filter(pk=buyer.user.pk).update(preferred_language="zh-hans")
    _tell(buyer, 1)
    _tell(outsider, 2)
    page = buyer.client.get(reverse("notifications:inbox")).content.decode()
    with translation.override("zh-hans"):
        title = _("Log in")
    # Put into the reader's language, marked as such on a page in another.
    assert f'<strong lang="zh-Hans">{title}</strong>' in page
    assert "通知 1" in page and "通知 2" not in page


def test_unread_only_and_mark_all(buyer: Member) -> None:
    first, second = _tell(buyer, 1), _tell(buyer, 2)
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    page = buyer.client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "通知 2" in page and "通知 1" not in page
    response = buyer.client.post(reverse("notifications:mark_read"))
    assert (response.status_code, response["Location"]) == (302, reverse("notifications:inbox"))
    assert _read_state() == [(first.pk, True), (second.pk, True)]


def test_marking_one_follows_its_link_on_this_site_only(buyer: Member) -> None:
    local = _tell(buyer, 1)
    foreign = _tell(buyer, 2, url="https://evil.example/steal")
    response = buyer.client.post(reverse("notifications:mark_read"), {"id": local.pk})
    assert (response.status_code, response["Location"]) == (302, "/n/1/")
    response = buyer.client.post(reverse("notifications:mark_read"), {"id": foreign.pk})
    assert (response.status_code, response["Location"]) == (302, reverse("notifications:inbox"))
    assert _read_state() == [(local.pk, True), (foreign.pk, True)]


def test_another_users_notification_cannot_be_marked_or_followed(buyer: Member, outsider: Member) -> None:
    theirs = _tell(buyer, 1)
    before = _read_state()
    response = outsider.client.post(reverse("notifications:mark_read"), {"id": theirs.pk})
    # Not followed: their link is not revealed.
    assert (response.status_code, response["Location"]) == (302, reverse("notifications:inbox"))
    # "Mark all" marks only the outsider's own.
    outsider.client.post(reverse("notifications:mark_read"))
    assert _read_state() == before


@pytest.mark.parametrize("not_an_id", ["abc", "-1", "9" * 40, ""])
def test_an_id_that_is_no_id_marks_nothing(buyer: Member, not_an_id: str) -> None:
    _tell(buyer, 1)
    before = _read_state()
    response = buyer.client.post(reverse("notifications:mark_read"), {"id": not_an_id})
    assert (response.status_code, response["Location"]) == (302, reverse("notifications:inbox"))
    assert _read_state() == before


def test_the_unread_count_shows_in_the_menu(buyer: Member) -> None:
    _tell(buyer, 1)
    _tell(buyer, 2)
    page = buyer.client.get(reverse("notifications:inbox")).content.decode()
    assert 'class="badge"' in page
    buyer.client.post(reverse("notifications:mark_read"))
    assert 'class="badge"' not in buyer.client.get(reverse("notifications:inbox")).content.decode()


@pytest.mark.parametrize(("method", "name"), [("get", "notifications:inbox"), ("post", "notifications:mark_read")])
def test_anonymous_visitors_are_sent_to_log_in(method: str, name: str, buyer: Member) -> None:
    _tell(buyer, 1)
    before = _read_state()
    response = getattr(Client(), method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _read_state() == before
