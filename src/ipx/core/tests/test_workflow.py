"""The workflow kernel on its own: building a table, its refusals, and who may do what (see
``workflow_table``), so these tests say what every workflow can rely on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipx.accounts.models import Organisation, User
from ipx.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.core.tests.workflow_table import (
    ACTIONS,
    WF,
    S,
    is_member,
    listing_of,
    membership_lookups,
    operators_only,
    refused,
    review,
    seller_verified,
    snapshot,
)
from ipx.core.workflow import Action, Attempt, Refusal, Workflow, enforce
from ipx.listings.models import Listing, ListingEvent
from ipx.testing.fixtures import Member

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


# --- Who may take an action at all -----------------------------------------------------------

# ``who`` guards are asked before the status, the other guards after it.
WHO = Workflow(name="listing", model=Listing, event_model=ListingEvent, actions={
    "approve": Action(sources=(S.SUBMITTED,), target=S.PUBLISHED, who=(operators_only,),
                      guards=(seller_verified,)),
    "edit": Action(sources=(S.DRAFT,), who=(is_member,)),
})


def test_who_is_asked_before_the_status(owner: Member, outsider: Member) -> None:
    listing = listing_of(owner, S.PUBLISHED)
    before = snapshot(listing)

    outsiders = refused(lambda: WHO.transition(listing, "edit", actor=outsider.user), PermissionDenied)
    members = refused(lambda: WHO.transition(listing, "edit", actor=owner.user), InvalidTransition)

    assert (outsiders.code, outsiders.message) == ("not_member", "Only the seller's members may do this.")
    assert members.message == "This cannot be done while it is Published."
    assert snapshot(listing) == before


def test_the_other_guards_are_asked_after_the_status(owner: Member, operator: User) -> None:
    Organisation.objects.filter(pk=owner.organisation.pk).update(status=Organisation.Status.PENDING)
    draft, submitted = (Listing.objects.get(pk=listing_of(owner, status).pk) for status in (S.DRAFT, S.SUBMITTED))

    assert WHO.refusal(draft, "approve", operator) == Refusal("This cannot be done while it is Draft.")
    assert WHO.refusal(submitted, "approve", operator) == Refusal(
        "The seller must be verified first.", code="seller_not_verified", error=PermissionDenied,
        fields={"organisation": "Not verified yet."})
    assert WHO.refusal(submitted, "approve", owner.user) == Refusal(
        "Only operators review listings.", code="not_operator", error=PermissionDenied)
    assert WHO.allowed_actions(submitted, operator) == []


def test_admit_asks_only_who_before_any_row_is_read(owner: Member, operator: User) -> None:
    draft = listing_of(owner, S.DRAFT)

    with CaptureQueriesContext(connection) as queries:
        error = refused(lambda: WHO.admit("approve", None, owner.user), PermissionDenied)
        WHO.admit("approve", None, operator)
        WHO.admit("approve", draft, operator)  # neither the status nor the other guards are asked

    assert (error.code, error.message) == ("not_operator", "Only operators review listings.")
    assert len(queries) == 0


def test_enforce_raises_the_first_refusal_of_the_guards_given(owner: Member, outsider: Member,
                                                              operator: User) -> None:
    listing = listing_of(owner)

    enforce((is_member,), listing, owner.user)
    first = refused(lambda: enforce((is_member, operators_only), listing, outsider.user), PermissionDenied)
    second = refused(lambda: enforce((is_member, operators_only), listing, owner.user), PermissionDenied)

    assert (first.code, second.code) == ("not_member", "not_operator")


# --- Refusal ----------------------------------------------------------------------------------

def test_a_refusal_becomes_its_error() -> None:
    error = Refusal("Too late.", code="late", error=NotFound, fields={"when": "Past."}).exception()

    assert type(error) is NotFound
    assert (error.status, error.code, error.message, error.fields) == (404, "late", "Too late.", {"when": "Past."})


def test_a_refusal_without_code_or_error_is_an_invalid_transition() -> None:
    error = Refusal("Not now.").exception()

    assert type(error) is InvalidTransition
    assert (error.status, error.code, error.message, error.fields) == (409, "invalid_transition", "Not now.", {})
