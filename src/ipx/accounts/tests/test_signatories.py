"""Signatories: an organisation's administrators name and unname the members who may sign for
it, on the members page and through the API; the organisation's history records who did it;
the members list shows who may sign. Anyone else is refused and nothing changes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts import notices, selectors
from ipx.accounts.models import Membership, User
from ipx.accounts.tests.helpers import call, snapshot
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(owner: Member) -> Membership:
    """A plain member of the owner's organisation: negotiates, does not bind."""
    return MembershipFactory.create(user=UserFactory.create(email="mei@example.com", full_name="Mei Member"),
                                    organisation=owner.organisation, role=Membership.Role.MEMBER)


def _state(owner: Member) -> dict[str, Any]:
    return {**snapshot(owner.organisation),
            "signatories": list(Membership.objects.order_by("pk").values_list("user_id", "is_signatory"))}


def _may_sign(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-member="(\d+)">\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*'
                           r'<td[^>]*data-may-sign="(yes|no)"', html))


def test_administrator_names_and_unnames_a_signatory_on_the_members_page(owner: Member,
                                                                         colleague: Membership) -> None:
    client = owner.client
    page = client.get(reverse("accounts:members")).content.decode()
    assert _may_sign(page) == {str(owner.user.pk): "yes", str(colleague.user_id): "no"}
    assert re.findall(r'data-action="(\w+)"', page) == ["name"]

    response = client.post(reverse("accounts:signatory", args=[colleague.user_id]), {"signatory": "1"})

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:members"))
    colleague.refresh_from_db()
    assert (colleague.is_signatory, colleague.binds, selectors.binds(colleague.user, owner.organisation.pk)) == (
        True, True, True)
    event = owner.organisation.events.get()
    assert (event.verb, event.actor, event.params, event.from_status, event.to_status) == (
        "signatory_named", owner.user, {"user": colleague.user_id, "name": "Mei Member"}, "verified", "verified")
    page = client.get(reverse("accounts:members")).content.decode()
    assert _may_sign(page) == {str(owner.user.pk): "yes", str(colleague.user_id): "yes"}
    assert "Mei Member may now sign for the organisation." in page

    client.post(reverse("accounts:signatory", args=[colleague.user_id]), {"signatory": "0"})

    colleague.refresh_from_db()
    assert (colleague.is_signatory, colleague.binds) == (False, False)
    assert list(owner.organisation.events.values_list("verb", flat=True)) == ["signatory_named", "signatory_unnamed"]
    assert [line.what for line in notices.history(selectors.organisation_events(owner.organisation))] == [
        "Mei Member no longer a signatory", "Mei Member named a signatory"]


def test_administrator_names_a_signatory_through_the_api(owner: Member, colleague: Membership) -> None:
    path = f"/organisations/{owner.organisation.pk}/members/{colleague.user_id}"

    status, body = call(owner.client, "patch", path, {"is_signatory": True})

    assert (status, body) == (200, {"user_id": colleague.user_id, "full_name": "Mei Member",
                                    "email": "mei@example.com", "role": "member", "is_signatory": True,
                                    "email_confirmed": True, "binds": True})
    status, members = call(owner.client, "get", f"/organisations/{owner.organisation.pk}/members")
    assert status == 200
    assert [(m["email"], m["role"], m["is_signatory"], m["binds"]) for m in members] == [
        ("mei@example.com", "member", True, True), ("owner@example.com", "admin", False, True)]
    # Asking again for what is so already records nothing more.
    call(owner.client, "patch", path, {"is_signatory": True})
    assert owner.organisation.events.count() == 1


@pytest.mark.parametrize("who", ["member", "outsider", "operator", "anonymous"])
def test_only_administrators_name_signatories_and_a_refusal_changes_nothing(
        who: str, owner: Member, colleague: Membership, outsider: Member, operator_client: Client) -> None:
    other = MembershipFactory.create(user=UserFactory.create(email="wu@example.com"),
                                     organisation=owner.organisation, role=Membership.Role.MEMBER)
    clients = {"member": _client(colleague.user), "outsider": outsider.client, "operator": operator_client,
               "anonymous": Client()}
    before = _state(owner)

    status, body = call(clients[who], "patch", f"/organisations/{owner.organisation.pk}/members/{other.user_id}",
                        {"is_signatory": True})

    expected = (401, "not_authenticated") if who == "anonymous" else (403, "forbidden")
    assert (status, body["error"]["code"]) == expected
    if who != "anonymous":
        assert body["error"]["message"] == "Only an administrator of 广州湾区电池科技有限公司 may do this."
    assert _state(owner) == before


def test_a_plain_member_is_refused_on_the_page_and_nothing_changes(owner: Member, colleague: Membership) -> None:
    other = MembershipFactory.create(user=UserFactory.create(email="wu@example.com"),
                                     organisation=owner.organisation, role=Membership.Role.MEMBER)
    client = _client(colleague.user)
    page = client.get(reverse("accounts:members")).content.decode()
    assert re.findall(r'data-action="(\w+)"', page) == []
    before = _state(owner)

    response = client.post(reverse("accounts:signatory", args=[other.user_id]), {"signatory": "1"}, follow=True)

    assert "Only an administrator of 广州湾区电池科技有限公司 may do this." in response.content.decode()
    assert _state(owner) == before


def test_naming_an_administrator_or_someone_outside_is_refused(owner: Member, outsider: Member) -> None:
    before = _state(owner)
    base = f"/organisations/{owner.organisation.pk}/members"

    status, body = call(owner.client, "patch", f"{base}/{owner.user.pk}", {"is_signatory": True})
    assert (status, body["error"]["fields"]) == (400, {"is_signatory": "An administrator always signs for the "
                                                                       "organisation."})
    status, body = call(owner.client, "patch", f"{base}/{outsider.user.pk}", {"is_signatory": True})
    assert (status, body["error"]["message"]) == (404, "This person is not a member of 广州湾区电池科技有限公司.")
    status, body = call(owner.client, "patch", f"{base}/{outsider.user.pk}", {"is_signatory": "perhaps"})
    assert status == 400
    assert _state(owner) == before


def test_the_members_list_is_for_members_and_operators(owner: Member, outsider: Member,
                                                       operator_client: Client) -> None:
    path = f"/organisations/{owner.organisation.pk}/members"
    assert call(Client(), "get", path)[0] == 401
    assert call(outsider.client, "get", path)[0] == 403
    assert call(operator_client, "get", path)[0] == 200
    assert call(owner.client, "get", "/organisations/999999/members")[0] == 404


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
