"""A small review table over real listings, driven only through ``Workflow`` (no listing
service), and the helpers the kernel's tests share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ipx.accounts.models import Membership, Organisation
from ipx.core.errors import ApplicationError, PermissionDenied
from ipx.core.workflow import Action, Attempt, Refusal, Workflow
from ipx.listings.models import Listing, ListingEvent
from ipx.testing.factories import ListingFactory
from ipx.testing.fixtures import Member

S = Listing.Status

# --- The table under test ---------------------------------------------------------------------

# Every membership lookup the guards make, so a test can count them.
membership_lookups: list[int] = []


def is_member(attempt: Attempt) -> Refusal | None:
    def lookup() -> bool:
        membership_lookups.append(attempt.actor.pk)
        return Membership.objects.filter(user=attempt.actor, organisation=attempt.subject.organisation_id).exists()

    if attempt.remember("member", lookup):
        return None
    return Refusal("Only the seller's members may do this.", code="not_member", error=PermissionDenied)


def seller_verified(attempt: Attempt) -> Refusal | None:
    if attempt.subject.organisation.status == Organisation.Status.VERIFIED:
        return None
    return Refusal("The seller must be verified first.", code="seller_not_verified", error=PermissionDenied,
                   fields={"organisation": "Not verified yet."})


def operators_only(attempt: Attempt) -> Refusal | None:
    if attempt.actor.is_staff:
        return None
    return Refusal("Only operators review listings.", code="not_operator", error=PermissionDenied)


def by_the_clock_only(attempt: Attempt) -> Refusal | None:
    return Refusal("Listings expire by themselves.", code="clock_only", error=PermissionDenied)


# Deliberately not in alphabetical order: allowed_actions keeps the table's order.
ACTIONS = {
    "submit": Action(sources=(S.DRAFT,), target=S.SUBMITTED, guards=(is_member, seller_verified),
                     publishes=("test.listing.submitted",)),
    "approve": Action(sources=(S.SUBMITTED,), target=S.PUBLISHED, guards=(operators_only,),
                      publishes=("test.listing.approved", "test.listing.changed")),
    "reject": Action(sources=(S.SUBMITTED,), target=S.DRAFT, guards=(operators_only,)),
    "edit": Action(sources=(S.DRAFT, S.PUBLISHED), guards=(is_member,), verb="edited"),
    "withdraw": Action(sources=(S.DRAFT, S.SUBMITTED, S.PUBLISHED), target=S.WITHDRAWN, guards=(is_member,)),
    "expire": Action(sources=(S.PUBLISHED,), target=S.EXPIRED, guards=(by_the_clock_only,)),
}


def review(**options: Any) -> Workflow[Listing]:
    return Workflow(name="listing", model=Listing, event_model=ListingEvent, actions=ACTIONS,
                    not_found="No such listing.", **options)


WF = review()


# --- Helpers ----------------------------------------------------------------------------------

def listing_of(member: Member, status: str = S.DRAFT, **fields: Any) -> Listing:
    return ListingFactory.create(organisation=member.organisation, created_by=member.user, status=status, **fields)


def snapshot(listing: Listing) -> tuple[Any, ...]:
    row = Listing.objects.values_list("status", "title", "review_note", "published_at").get(pk=listing.pk)
    return (*row, ListingEvent.objects.filter(listing=listing).count())


def refused(call: Callable[[], object], error: type[ApplicationError]) -> ApplicationError:
    with pytest.raises(error) as caught:
        call()
    assert type(caught.value) is error
    return caught.value
