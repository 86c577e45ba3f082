from __future__ import annotations

import pytest

from ipx.accounts.models import Organisation
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.fixtures import Member


@pytest.fixture
def agency(db: None) -> Member:
    """An IP agency acting for the buyer in the deals it is added to."""
    membership = MembershipFactory.create(
        user=UserFactory.create(email="agent@example.com", full_name="Ada Agent"),
        organisation=OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="湾区知识产权代理事务所"))
    return Member(membership.user, membership.organisation)
