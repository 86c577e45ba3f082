"""No page sends the reader off the site: every ``next`` and followed link stays local."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ipx.testing.factories import PASSWORD
from ipx.testing.fixtures import Member

AWAY = ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "https:evil.example"]


@pytest.mark.parametrize("target", AWAY)
def test_choosing_an_organisation_does_not_redirect_off_site(owner: Member, target: str) -> None:
    response = owner.client.post(reverse("accounts:choose_organisation"),
                                 {"organisation_id": owner.organisation.pk, "next": target})
    assert (response.status_code, response["Location"]) == (302, reverse("web:my_organisation"))


def test_choosing_an_organisation_follows_a_local_next(owner: Member) -> None:
    response = owner.client.post(reverse("accounts:choose_organisation"),
                                 {"organisation_id": owner.organisation.pk, "next": "/listings/?page=2"})
    assert (response.status_code, response["Location"]) == (302, "/listings/?page=2")


@pytest.mark.parametrize("target", AWAY)
def test_logging_in_and_switching_language_stay_on_site(owner: Member, target: str) -> None:
    response = Client().post(reverse("accounts:login") + f"?next={target}",
                             {"email": owner.user.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("web:my_organisation"))
    response = Client().get(reverse("web:language", args=["zh-hans"]), {"next": target})
    assert (response.status_code, response["Location"]) == (302, "/")


@pytest.mark.parametrize("target", ["-1", "home", "web:home", "http://[::1", "/listings/\x00", "/\x07"])
def test_a_next_that_is_no_address_falls_back(owner: Member, target: str) -> None:
    # A bare word would be taken for a view's name by ``redirect`` (a 500 before).
    response = owner.client.post(reverse("accounts:choose_organisation"),
                                 {"organisation_id": owner.organisation.pk, "next": target})
    assert (response.status_code, response["Location"]) == (302, reverse("web:my_organisation"))
