"""Fixtures of the finance tests: an appraiser, and a signed-off valuation of one of the
owner's patents (worth 1,000,000) for loans to be made against."""

from __future__ import annotations

import pytest

from ipx.accounts.models import Membership, Organisation
from ipx.finance.models import Valuation
from ipx.finance.tests.test_valuation_workflow import signed_off
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.fixtures import Member


@pytest.fixture
def appraiser(db: None) -> Member:
    membership = MembershipFactory.create(
        user=UserFactory.create(email="appraiser@example.com", full_name="Ping Gu"), role=Membership.Role.ADMIN,
        organisation=OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="湾区资产评估事务所"))
    return Member(membership.user, membership.organisation)


@pytest.fixture
def underwriter(db: None) -> Member:
    """An insurer selling IP insurance."""
    membership = MembershipFactory.create(
        user=UserFactory.create(email="underwriter@example.com", full_name="Bao Xian"), role=Membership.Role.ADMIN,
        organisation=OrganisationFactory.create(kind=Organisation.Kind.FINANCIAL, name="湾区知识产权保险"))
    return Member(membership.user, membership.organisation)


@pytest.fixture
def valued(owner: Member, appraiser: Member) -> Valuation:
    return signed_off(owner, appraiser)
