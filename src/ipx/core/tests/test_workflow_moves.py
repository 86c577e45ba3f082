"""The workflow kernel moving a subject: the status and fields saved under the row lock, the
event row, system steps, steps without a status change, and the domain events published after
commit only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from ipx.core.tests.workflow_table import (
    WF,
    S,
    listing_of,
    refused,
    review,
    snapshot,
)
from ipx.listings.models import Listing, ListingEvent
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member

# --- Moving -----------------------------------------------------------------------------------

def test_a_transition_moves_saves_and_records_one_event(owner: Member) -> None:
    listing = listing_of(owner)

    event = WF.transition(listing, "submit", actor=owner.user, note="Please review soon.",
                          params={"assets": 1}, acting_for=owner.organisation)

    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED
    rows = list(ListingEvent.objects.filter(listing=listing).values(
        "verb", "from_status", "to_status", "actor", "acting_for", "note", "params"))
    assert rows == [{"verb": "submit", "from_status": S.DRAFT, "to_status": S.SUBMITTED, "actor": owner.user.pk,
                     "acting_for": owner.organisation.pk, "note": "Please review soon.", "params": {"assets": 1}}]
    assert isinstance(event, ListingEvent)
    assert event.pk == ListingEvent.objects.get(listing=listing).pk
    assert event.created_at is not None


def test_an_event_row_without_note_params_or_organisation_stores_empty_values(owner: Member,
                                                                              operator: User) -> None:
    listing = listing_of(owner, S.SUBMITTED)

    WF.transition(listing, "reject", actor=operator)

    event = ListingEvent.objects.get(listing=listing)
    assert (event.verb, event.from_status, event.to_status) == ("reject", S.SUBMITTED, S.DRAFT)
    assert (event.actor_id, event.acting_for_id, event.note, event.params) == (operator.pk, None, "", {})


def test_the_params_stored_are_a_copy_of_what_was_passed(owner: Member) -> None:
    listing = listing_of(owner)
    params: dict[str, Any] = {"price": "500000.00 CNY"}

    WF.transition(listing, "submit", actor=owner.user, params=params)
    params["price"] = "1.00 CNY"

    assert ListingEvent.objects.get(listing=listing).params == {"price": "500000.00 CNY"}


def test_the_fields_named_are_saved_with_the_status_and_no_others(owner: Member, operator: User) -> None:
    listing = listing_of(owner, S.SUBMITTED)
    when = timezone.now().replace(microsecond=0)
    listing.review_note = "Clear claims."
    listing.published_at = when
    listing.title = "Changed in memory only"

    WF.transition(listing, "approve", actor=operator, fields=["review_note", "published_at"])

    row = Listing.objects.values("status", "review_note", "published_at", "title").get(pk=listing.pk)
    assert row["status"] == S.PUBLISHED
    assert (row["review_note"], row["published_at"]) == ("Clear claims.", when)
    assert row["title"] != "Changed in memory only"


def test_the_status_is_read_again_under_the_lock(owner: Member, operator: User) -> None:
    stale = listing_of(owner)  # read as a draft
    Listing.objects.filter(pk=stale.pk).update(status=S.SUBMITTED)  # someone submitted it since

    WF.transition(stale, "approve", actor=operator)

    assert stale.status == S.PUBLISHED
    event = ListingEvent.objects.get(listing=stale)
    assert (event.from_status, event.to_status) == (S.SUBMITTED, S.PUBLISHED)
    assert Listing.objects.get(pk=stale.pk).status == S.PUBLISHED


def test_a_stale_status_does_not_let_a_refused_action_through(owner: Member) -> None:
    stale = listing_of(owner)  # read as a draft
    Listing.objects.filter(pk=stale.pk).update(status=S.PUBLISHED)  # an operator published it since
    before = snapshot(stale)

    error = refused(lambda: WF.transition(stale, "submit", actor=owner.user), InvalidTransition)

    assert error.message == "This cannot be done while it is Published."
    assert stale.status == S.PUBLISHED  # the object now says what the row says
    assert snapshot(stale) == before


def test_the_other_fields_set_before_the_lock_are_kept(owner: Member, operator: User) -> None:
    stale = listing_of(owner)
    Listing.objects.filter(pk=stale.pk).update(status=S.SUBMITTED)
    stale.review_note = "Set before the lock."

    WF.transition(stale, "approve", actor=operator, fields=["review_note"])

    assert Listing.objects.values_list("status", "review_note").get(pk=stale.pk) == (S.PUBLISHED,
                                                                                     "Set before the lock.")


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="the backend has no row locks")
def test_the_status_is_read_with_a_row_lock(owner: Member, operator: User) -> None:
    listing = listing_of(owner, S.SUBMITTED)

    with CaptureQueriesContext(connection) as queries:
        WF.transition(listing, "approve", actor=operator)

    first = queries.captured_queries[0]["sql"]
    assert 'FROM "listings_listing"' in first
    assert "FOR UPDATE" in first


def test_a_row_deleted_meanwhile_is_not_found(owner: Member, operator: User) -> None:
    listing = listing_of(owner, S.SUBMITTED)
    Listing.objects.filter(pk=listing.pk).delete()

    error = refused(lambda: WF.transition(listing, "approve", actor=operator), NotFound)

    assert error.message == "No such listing."
    assert ListingEvent.objects.count() == 0


def test_lock_returns_the_row_or_not_found(owner: Member) -> None:
    listing = listing_of(owner)

    with transaction.atomic():
        locked = WF.lock(listing.pk, related=["organisation"])
    assert locked == listing
    assert locked.organisation == owner.organisation

    for missing in (listing.pk + 1000, "not-a-number", None):
        with pytest.raises(NotFound) as caught:
            WF.lock(missing)
        assert (caught.value.code, caught.value.message) == ("not_found", "No such listing.")


def test_an_action_without_a_target_records_the_step_and_keeps_the_status(owner: Member) -> None:
    listing = listing_of(owner, S.PUBLISHED)
    listing.title = "Edited title"

    WF.transition(listing, "edit", actor=owner.user, params={"fields": ["title"]}, fields=["title"])

    assert Listing.objects.values_list("status", "title").get(pk=listing.pk) == (S.PUBLISHED, "Edited title")
    event = ListingEvent.objects.get(listing=listing)
    assert (event.verb, event.from_status, event.to_status, event.params) == (
        "edited", S.PUBLISHED, S.PUBLISHED, {"fields": ["title"]})


def test_on_change_is_told_of_status_changes_only(owner: Member) -> None:
    changes: list[tuple[int, str, str]] = []
    workflow = review(on_change=lambda listing, old, new: changes.append((listing.pk, old, new)))
    listing = listing_of(owner)

    workflow.transition(listing, "edit", actor=owner.user)
    workflow.transition(listing, "submit", actor=owner.user)

    assert changes == [(listing.pk, S.DRAFT, S.SUBMITTED)]


def test_events_can_be_recorded_on_another_row(owner: Member) -> None:
    # As a deal's milestones are recorded in the deal's history.
    parent = listing_of(owner, S.PUBLISHED)
    child = listing_of(owner)

    review(record_on=lambda _listing: parent).transition(child, "submit", actor=owner.user)

    assert Listing.objects.get(pk=child.pk).status == S.SUBMITTED
    assert list(ListingEvent.objects.values_list("listing", "verb", "from_status", "to_status")) == [
        (parent.pk, "submit", S.DRAFT, S.SUBMITTED)]


# --- System steps -----------------------------------------------------------------------------

def test_check_false_skips_the_guards(owner: Member) -> None:
    listing = listing_of(owner, S.PUBLISHED)
    clock = UserFactory.create(email="clock@example.com")
    assert WF.refusal(listing, "expire", clock) is not None

    WF.transition(listing, "expire", actor=None, check=False)

    assert Listing.objects.get(pk=listing.pk).status == S.EXPIRED
    event = ListingEvent.objects.get(listing=listing)
    assert (event.verb, event.from_status, event.to_status, event.actor_id) == ("expire", S.PUBLISHED, S.EXPIRED,
                                                                                 None)


def test_check_false_still_checks_the_table(owner: Member) -> None:
    listing = listing_of(owner, S.DRAFT)
    before = snapshot(listing)

    error = refused(lambda: WF.transition(listing, "expire", actor=None, check=False), InvalidTransition)

    assert error.message == "This cannot be done while it is Draft."
    assert snapshot(listing) == before


# --- Domain events ----------------------------------------------------------------------------

def test_the_actions_events_are_published_after_commit_only(owner: Member, operator: User, on_commit: Any,
                                                            published: list[tuple[str, dict[str, Any]]]) -> None:
    listing = listing_of(owner, S.SUBMITTED)

    with on_commit():
        WF.transition(listing, "approve", actor=operator)
        assert published == []

    assert published == [("test.listing.approved", {"listing_id": listing.pk}),
                         ("test.listing.changed", {"listing_id": listing.pk})]


def test_an_action_without_events_publishes_nothing(owner: Member, operator: User, on_commit: Any,
                                                    published: list[tuple[str, dict[str, Any]]]) -> None:
    listing = listing_of(owner, S.SUBMITTED)

    with on_commit():
        WF.transition(listing, "reject", actor=operator)

    assert published == []


def test_nothing_is_published_when_the_transaction_rolls_back(owner: Member, on_commit: Any,
                                                              published: list[tuple[str, dict[str, Any]]]) -> None:
    listing = listing_of(owner)
    before = snapshot(listing)

    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        WF.transition(listing, "submit", actor=owner.user)
        raise RuntimeError("a later step of the service failed")

    assert published == []
    assert snapshot(listing) == before


def test_a_refused_action_publishes_nothing(owner: Member, outsider: Member, on_commit: Any,
                                            published: list[tuple[str, dict[str, Any]]]) -> None:
    listing = listing_of(owner)

    with on_commit():
        refused(lambda: WF.transition(listing, "submit", actor=outsider.user), PermissionDenied)

    assert published == []


# --- Steps without a status change ------------------------------------------------------------

def test_record_writes_a_step_without_changing_the_status(owner: Member) -> None:
    listing = listing_of(owner, S.PUBLISHED)
    before = Listing.objects.values_list("status", "title").get(pk=listing.pk)

    event = WF.record(listing, "viewed_documents", actor=owner.user, note="For the board.",
                      params={"documents": [3, 4]}, acting_for=owner.organisation)

    assert Listing.objects.values_list("status", "title").get(pk=listing.pk) == before
    assert ListingEvent.objects.filter(listing=listing).values(
        "pk", "verb", "from_status", "to_status", "actor", "acting_for", "note", "params").get() == {
        "pk": event.pk, "verb": "viewed_documents", "from_status": S.PUBLISHED, "to_status": S.PUBLISHED,
        "actor": owner.user.pk, "acting_for": owner.organisation.pk, "note": "For the board.",
        "params": {"documents": [3, 4]}}


def test_record_may_name_the_status_a_step_came_from(owner: Member) -> None:
    listing = listing_of(owner, S.PUBLISHED)

    WF.record(listing, "created", actor=owner.user, from_status="")

    event = ListingEvent.objects.get(listing=listing)
    assert (event.verb, event.from_status, event.to_status, event.params, event.note) == (
        "created", "", S.PUBLISHED, {}, "")


def test_record_does_not_look_at_the_table_or_publish(owner: Member, on_commit: Any,
                                                      published: list[tuple[str, dict[str, Any]]]) -> None:
    listing = listing_of(owner, S.SOLD)

    with on_commit():
        WF.record(listing, "approve", actor=None)

    assert published == []
    assert Listing.objects.get(pk=listing.pk).status == S.SOLD
    assert ListingEvent.objects.get(listing=listing).verb == "approve"
