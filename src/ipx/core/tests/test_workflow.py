"""The workflow kernel on its own: a small review table over real listings, driven only through
``Workflow`` (no listing service), so these tests say what every workflow can rely on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipx import events
from ipx.accounts.models import Membership, Organisation, User
from ipx.core.errors import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ipx.core.workflow import Action, Attempt, Refusal, Workflow
from ipx.listings.models import Listing, ListingEvent
from ipx.testing.factories import ListingFactory, UserFactory
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

@pytest.fixture(autouse=True)
def _fresh_lookups() -> Iterator[None]:
    membership_lookups.clear()
    yield
    membership_lookups.clear()


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Domain events as their handlers receive them; only this test's subscriptions exist."""
    received: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(events, "_subscriptions", defaultdict(list))
    for name in ("test.listing.submitted", "test.listing.approved", "test.listing.changed"):
        events.subscribe(name, lambda _name=name, **payload: received.append((_name, payload)))
    return received


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


# --- Building a table -------------------------------------------------------------------------

def test_a_table_naming_an_unknown_source_status_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match=r"^test\.archive: unknown statuses \['archived'\]$"):
        Workflow(name="test", model=Listing, event_model=ListingEvent,
                 actions={"archive": Action(sources=("archived",), target=S.WITHDRAWN)})


def test_a_table_naming_an_unknown_target_status_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match=r"^test\.shelve: unknown statuses \['archived', 'shelved'\]$"):
        Workflow(name="test", model=Listing, event_model=ListingEvent,
                 actions={"shelve": Action(sources=(S.DRAFT, "shelved"), target="archived")})


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"^listing has no action 'publish'$"):
        WF.action("publish")


def test_targets_are_every_status_one_action_leads_to() -> None:
    assert WF.targets(S.DRAFT) == {S.SUBMITTED, S.WITHDRAWN}
    assert WF.targets(S.SUBMITTED) == {S.PUBLISHED, S.DRAFT, S.WITHDRAWN}
    assert WF.targets(S.PUBLISHED) == {S.WITHDRAWN, S.EXPIRED}  # "edit" keeps the status
    assert WF.targets(S.SOLD) == set()


# --- Refusals ---------------------------------------------------------------------------------

def test_the_table_refuses_an_action_from_a_status_it_does_not_start_from(owner: Member) -> None:
    listing = listing_of(owner, S.PUBLISHED)
    before = snapshot(listing)

    error = refused(lambda: WF.transition(listing, "submit", actor=owner.user), InvalidTransition)

    assert error.code == "invalid_transition"
    assert error.message == "This cannot be done while it is Published."
    assert error.fields == {}
    assert error.status == 409
    assert snapshot(listing) == before
    assert membership_lookups == []  # the table is read before any guard runs


def test_a_workflow_words_its_own_status_refusal(owner: Member) -> None:
    def cannot(listing: Listing, name: str, action: Action) -> Refusal:
        return Refusal(f"A {listing.status} listing cannot {name}.", code="wrong_status", error=ValidationFailed)

    listing = listing_of(owner, S.SOLD)
    before = snapshot(listing)

    error = refused(lambda: review(refuse_status=cannot).transition(listing, "withdraw", actor=owner.user),
                    ValidationFailed)

    assert (error.code, error.message) == ("wrong_status", "A sold listing cannot withdraw.")
    assert snapshot(listing) == before


def test_a_guard_refusal_is_raised_with_its_error_class_code_and_fields(owner: Member) -> None:
    Organisation.objects.filter(pk=owner.organisation.pk).update(status=Organisation.Status.PENDING)
    listing = Listing.objects.get(pk=listing_of(owner).pk)
    before = snapshot(listing)

    error = refused(lambda: WF.transition(listing, "submit", actor=owner.user), PermissionDenied)

    assert error.code == "seller_not_verified"
    assert error.message == "The seller must be verified first."
    assert error.fields == {"organisation": "Not verified yet."}
    assert error.as_dict() == {"error": {"code": "seller_not_verified", "message": "The seller must be verified first.",
                                         "fields": {"organisation": "Not verified yet."}}}
    assert snapshot(listing) == before


def test_the_first_guard_that_refuses_is_the_one_raised(owner: Member, outsider: Member) -> None:
    Organisation.objects.filter(pk=owner.organisation.pk).update(status=Organisation.Status.PENDING)
    listing = Listing.objects.get(pk=listing_of(owner).pk)
    before = snapshot(listing)

    error = refused(lambda: WF.transition(listing, "submit", actor=outsider.user), PermissionDenied)

    assert (error.code, error.message, error.fields) == ("not_member", "Only the seller's members may do this.", {})
    assert snapshot(listing) == before


def test_refusal_and_check_answer_without_raising_or_writing(owner: Member, operator: User) -> None:
    listing = listing_of(owner, S.SUBMITTED)
    before = snapshot(listing)

    assert WF.refusal(listing, "approve", operator) is None
    assert WF.refusal(listing, "approve", owner.user) == Refusal(
        "Only operators review listings.", code="not_operator", error=PermissionDenied)
    WF.check(listing, "approve", operator)
    error = refused(lambda: WF.check(listing, "approve", owner.user), PermissionDenied)
    assert error.code == "not_operator"
    assert snapshot(listing) == before


# --- Who may do what --------------------------------------------------------------------------

def test_allowed_actions_follow_the_table_order_for_each_person(owner: Member, outsider: Member,
                                                                operator: User) -> None:
    draft, submitted, published = (listing_of(owner, status) for status in (S.DRAFT, S.SUBMITTED, S.PUBLISHED))

    assert WF.allowed_actions(draft, owner.user) == ["submit", "edit", "withdraw"]
    assert WF.allowed_actions(submitted, owner.user) == ["withdraw"]
    assert WF.allowed_actions(published, owner.user) == ["edit", "withdraw"]
    assert WF.allowed_actions(submitted, operator) == ["approve", "reject"]
    assert WF.allowed_actions(draft, operator) == []
    assert WF.allowed_actions(published, outsider.user) == []


def test_allowed_actions_are_those_the_service_would_accept(owner: Member, outsider: Member,
                                                            operator: User) -> None:
    for user in (owner.user, outsider.user, operator):
        for status in (S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.SOLD):
            listing = listing_of(owner, status)
            allowed = WF.allowed_actions(listing, user)
            for name in ACTIONS:
                assert (WF.refusal(listing, name, user) is None) is (name in allowed), (user, status, name)


def test_nobody_anonymous_may_do_anything(owner: Member) -> None:
    from django.contrib.auth.models import AnonymousUser

    listing = listing_of(owner)

    assert WF.allowed_actions(listing, AnonymousUser()) == []
    assert WF.allowed_actions(listing, None) == []
    assert membership_lookups == []


def test_a_remembered_answer_is_computed_once_for_all_the_guards_asking(owner: Member) -> None:
    listing = listing_of(owner)

    WF.allowed_actions(listing, owner.user)  # submit, edit and withdraw all ask "member?"

    assert membership_lookups == [owner.user.pk]


def test_attempt_remember_keeps_the_first_answer() -> None:
    attempt = Attempt(subject=None, actor=None)
    answers = iter([1, 2])

    assert attempt.remember("role", lambda: next(answers)) == 1
    assert attempt.remember("role", lambda: next(answers)) == 1
    assert attempt.memo == {"role": 1}


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


# --- Refusal ----------------------------------------------------------------------------------

def test_a_refusal_becomes_its_error() -> None:
    error = Refusal("Too late.", code="late", error=NotFound, fields={"when": "Past."}).exception()

    assert type(error) is NotFound
    assert (error.status, error.code, error.message, error.fields) == (404, "late", "Too late.", {"when": "Past."})


def test_a_refusal_without_code_or_error_is_an_invalid_transition() -> None:
    error = Refusal("Not now.").exception()

    assert type(error) is InvalidTransition
    assert (error.status, error.code, error.message, error.fields) == (409, "invalid_transition", "Not now.", {})
