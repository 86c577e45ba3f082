"""The organisation the pages act for, read as memberships_of reads a user's memberships."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.test import RequestFactory

from ipx.accounts.current import SESSION_KEY, current_membership
from ipx.accounts.models import User
from ipx.accounts.selectors import memberships_of
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user: User | AnonymousUser, chosen: int | None = None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionBase()  # in memory: nothing is saved
    if chosen:
        request.session[SESSION_KEY] = chosen
    return request


def test_the_memberships_and_the_chosen_one_are_memberships_ofs() -> None:
    user = UserFactory.create()
    for name in ("Zeta 科技", "Alpha 大学", "Mu 研究院"):
        MembershipFactory.create(user=user, organisation=OrganisationFactory.create(name=name))
    MembershipFactory.create()  # someone else's
    expected = list(memberships_of(user))
    current, memberships = current_membership(_request(user))
    assert [(m.pk, m.role, m.organisation.pk, m.organisation.name, m.organisation.status, m.user.pk)
            for m in memberships] == [(m.pk, m.role, m.organisation.pk, m.organisation.name, m.organisation.status,
                                       m.user.pk) for m in expected]
    assert current == expected[0]
    chosen = expected[2].organisation_id
    assert current_membership(_request(user, chosen))[0] == expected[2]
    assert current_membership(_request(AnonymousUser())) == (None, [])
