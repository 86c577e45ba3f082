"""The back-office's front page counts what waits for an operator's decision, each row
linking to where it is taken; nothing waiting reads "none"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import Organisation, User
from ipx.dataip.services import applications
from ipx.health.waiting import waiting_for_operators
from ipx.listings.models import Listing
from ipx.testing.dataip_world import drafted
from ipx.testing.factories import ListingFactory, OrganisationFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def counts(user: User) -> dict[str, int]:
    return {row.key: row.count for row in waiting_for_operators(user)}


@pytest.fixture
def chief(operator: User) -> User:
    """An operator with every permission of the back-office (as the exchange's are made)."""
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    return operator


def test_each_kind_of_decision_is_counted_and_linked(owner: Member, chief: User, operator_client: Client) -> None:
    assert set(counts(chief).values()) == {0}
    OrganisationFactory.create_batch(2, status=Organisation.Status.PENDING)
    ListingFactory.create(organisation=owner.organisation, status=Listing.Status.SUBMITTED)
    ListingFactory.create(organisation=owner.organisation, status=Listing.Status.DRAFT)  # not the operators' yet
    applications.product_submit(actor=owner.user, product_id=drafted(owner.organisation, owner.user).pk)
    drafted(owner.organisation, owner.user, name="未提交的数据集")
    assert counts(chief) == {"organisations": 2, "listings": 1, "dataip": 1, "pledges": 0, "recordals": 0,
                        "cancellations": 0, "bidders": 0}
    page = operator_client.get(reverse("admin:index")).content.decode()
    assert '<tr id="waiting-listings" class="waiting">' in page and '<tr id="waiting-pledges">' in page
    for row in waiting_for_operators(chief):
        assert operator_client.get(row.url).status_code == 200, row.url
    listings = operator_client.get(next(row.url for row in waiting_for_operators(chief) if row.key == "listings"))
    assert list(listings.context["cl"].result_list.values_list("status", flat=True)) == ["submitted"]


def test_an_operator_without_a_lists_permission_is_not_sent_to_it(operator: User, operator_client: Client) -> None:
    assert [row.key for row in waiting_for_operators(operator)] == [
        "organisations", "dataip", "pledges", "bidders"]
    for row in waiting_for_operators(operator):
        assert operator_client.get(row.url).status_code == 200, row.url
    page = operator_client.get(reverse("admin:index")).content.decode()
    assert 'id="waiting-organisations"' in page and 'id="waiting-listings"' not in page
