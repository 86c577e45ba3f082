"""The notifications API: each user reads and marks only their own, in their own language,
a page at a time; a refused or foreign mark changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.notices import wording
from ipx.notifications.models import Notification
from ipx.notifications.services import notify
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

VERB = "notifications.api_test"
wording(VERB, title=lambda params: _("Log in"), body=lambda params: f"#{params['n']}")


def call(client: Client, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    response = getattr(client, method)(f"/api/v1{path}", data=json.dumps(body) if body is not None else None,
                                       content_type="application/json")
    return response.status_code, response.json()


def _tell(member: Member, n: int) -> Notification:
    return notify(verb=VERB, params={"n": n}, url=f"/n/{n}/", organisations=[member.organisation])[0]


def _read_state() -> list[tuple[int, int, bool]]:
    return [(n.pk, n.user_id, n.read_at is not None) for n in Notification.objects.order_by("pk")]


def test_list_is_newest_first_paged_and_only_mine(buyer: Member, outsider: Member) -> None:
    mine = [_tell(buyer, n) for n in range(3)]
    _tell(outsider, 99)
    status, body = call(buyer.client, "get", "/notifications?size=2")
    assert (status, body["count"], body["page"], body["size"]) == (200, 3, 1, 2)
    assert [item["id"] for item in body["items"]] == [mine[2].pk, mine[1].pk]
    first = body["items"][0]
    assert {key: first[key] for key in ("verb", "title", "body", "url", "organisation_id", "read_at")} == {
        "verb": VERB, "title": "Log in", "body": "#2", "url": "/n/2/", "organisation_id": buyer.organisation.pk,
        "read_at": None}
    status, body = call(buyer.client, "get", "/notifications?size=2&page=2")
    assert [item["id"] for item in body["items"]] == [mine[0].pk]


def test_each_reader_gets_their_own_language(buyer: Member) -> None:
    User.objects.filter(pk=buyer.user.pk).update(preferred_language="zh-hant")
    _tell(buyer, 1)
    status, body = call(buyer.client, "get", "/notifications")
    with translation.override("zh-hant"):
        expected = _("Log in")
    assert status == 200
    assert body["items"][0]["title"] == expected != "Log in"


def test_unread_filter_and_marking(buyer: Member) -> None:
    first, second = _tell(buyer, 1), _tell(buyer, 2)
    status, body = call(buyer.client, "post", "/notifications/read", {"ids": [first.pk]})
    assert (status, body) == (200, {"marked": 1, "unread": 1})
    status, body = call(buyer.client, "get", "/notifications?unread=true")
    assert [item["id"] for item in body["items"]] == [second.pk]
    # Marking again changes nothing.
    assert call(buyer.client, "post", "/notifications/read", {"ids": [first.pk]})[1] == {"marked": 0, "unread": 1}
    assert call(buyer.client, "post", "/notifications/read", {})[1] == {"marked": 1, "unread": 0}
    assert call(buyer.client, "get", "/notifications?unread=true")[1]["count"] == 0


def test_another_users_notification_cannot_be_read_or_marked(buyer: Member, outsider: Member) -> None:
    theirs = _tell(buyer, 1)
    before = _read_state()
    status, body = call(outsider.client, "get", "/notifications")
    assert (status, body["count"], body["items"]) == (200, 0, [])
    status, body = call(outsider.client, "post", "/notifications/read", {"ids": [theirs.pk]})
    assert (status, body) == (200, {"marked": 0, "unread": 0})
    # "Mark all" of the outsider is all of theirs, none of the buyer's.
    assert call(outsider.client, "post", "/notifications/read", {})[1] == {"marked": 0, "unread": 0}
    assert _read_state() == before


@pytest.mark.parametrize("ids", [[0], [-1], ["abc"], [2**60]])
def test_bad_ids_are_refused_and_change_nothing(ids: list[Any], buyer: Member) -> None:
    _tell(buyer, 1)
    before = _read_state()
    status, body = call(buyer.client, "post", "/notifications/read", {"ids": ids})
    assert (status, body["error"]["code"]) == (400, "invalid")
    assert _read_state() == before


@pytest.mark.parametrize(("method", "path", "body"), [("get", "/notifications", None),
                                                      ("post", "/notifications/read", {})])
def test_anonymous_callers_are_refused(method: str, path: str, body: Any, buyer: Member) -> None:
    _tell(buyer, 1)
    before = _read_state()
    status, answer = call(Client(), method, path, body)
    assert (status, answer["error"]["code"]) == (401, "not_authenticated")
    assert _read_state() == before
