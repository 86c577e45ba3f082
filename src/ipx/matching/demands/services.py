"""Writes for technology demands: drafts, edits and the moderation workflow.

The workflow itself (who may move a demand from where to where, and the domain events it
sends) is the table in ``ipx.matching.demands.workflow``; what a poster writes arrives as a
``DemandInput`` or ``DemandChanges`` (``ipx.matching.demands.inputs``), checked once. These
services check the notes people write, set the fields each step changes and call the kernel,
which locks the row, runs the guards and writes the DemandEvent (verb + params;
``notices.describe`` puts it into words).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import ValidationFailed
from ipx.events import publish
from ipx.matching.demands.inputs import FIELDS, DemandChanges, DemandInput
from ipx.matching.demands.workflow import DEMAND
from ipx.matching.models import Demand
from ipx.notifications.services import notify

S = Demand.Status

MAX_NOTE = 2000


# --- Locks and checks ---------------------------------------------------------------------

def _locked(demand_id: int) -> Demand:
    return DEMAND.lock(demand_id, related=("organisation",))


def _clean_note(value: str, *, field: str) -> str:
    note = (value or "").strip()
    if "\x00" in note:
        raise ValidationFailed.for_field(field, _("The text contains a NUL character."))
    if len(note) > MAX_NOTE:
        raise ValidationFailed.for_field(field, _("The note is too long: at most %(n)d characters.") % {"n": MAX_NOTE})
    return note


def demand_url(demand: Demand) -> str:
    return reverse("matching:detail", args=[demand.pk])


# --- Services ------------------------------------------------------------------------------

@transaction.atomic
def demand_create(*, organisation_id: int, actor: User, demand: DemandInput) -> Demand:
    """A draft demand of the organisation; submitted for review once it is ready."""
    organisation = access_organisation(actor, organisation_id)
    created = Demand.objects.create(organisation=organisation, created_by=actor, **demand.columns())
    DEMAND.record(created, "create", actor=actor, from_status="")
    return created


@transaction.atomic
def demand_update(*, demand_id: int, actor: User, changes: DemandChanges) -> Demand:
    """Edit a draft, or a published demand (it stays published; matching follows). Fields
    the changes leave out keep their values."""
    demand = _locked(demand_id)
    DEMAND.check(demand, "edit", actor)
    before: dict[str, Any] = {name: getattr(demand, name) for name in FIELDS}
    # A published demand keeps its deadline valid unchanged, even on its last day.
    keep = demand.deadline if demand.status == S.PUBLISHED else None
    for name, value in changes.applied_to(demand, keep_deadline=keep).columns().items():
        setattr(demand, name, value)
    demand.save()
    if demand.status == S.PUBLISHED:
        # Drafts change without history rows; a published demand's edits are on record.
        changed = [name for name in FIELDS if getattr(demand, name) != before[name]]
        DEMAND.record(demand, "edit", actor=actor, params={"fields": changed})
        publish("demand.changed", demand_id=demand.pk)
    return demand


@transaction.atomic
def demand_submit(*, demand_id: int, actor: User) -> Demand:
    demand = _locked(demand_id)
    demand.submitted_at = timezone.now()
    demand.review_note = ""
    DEMAND.transition(demand, "submit", actor=actor, fields=("submitted_at", "review_note", "updated_at"))
    return demand


@transaction.atomic
def demand_recall(*, demand_id: int, actor: User) -> Demand:
    """The poster takes a submitted demand back to draft, to change it before review."""
    demand = _locked(demand_id)
    DEMAND.transition(demand, "recall", actor=actor, fields=("updated_at",))
    return demand


@transaction.atomic
def demand_approve(*, demand_id: int, operator: User, note: str = "") -> Demand:
    DEMAND.admit("approve", None, operator)
    note = _clean_note(note, field="note")
    demand = _locked(demand_id)
    demand.published_at = timezone.now()
    demand.review_note = note
    DEMAND.transition(demand, "approve", actor=operator, note=note,
                      fields=("published_at", "review_note", "updated_at"))
    _notify_poster(demand, verb="demand.approved", actor=operator, params={"title": demand.title, "note": note})
    return demand


@transaction.atomic
def demand_reject(*, demand_id: int, operator: User, reason: str) -> Demand:
    DEMAND.admit("reject", None, operator)
    reason = _clean_note(reason, field="reason")
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say what the poster must change; they see this note."))
    demand = _locked(demand_id)
    demand.review_note = reason
    DEMAND.transition(demand, "reject", actor=operator, note=reason, fields=("review_note", "updated_at"))
    _notify_poster(demand, verb="demand.rejected", actor=operator, params={"title": demand.title, "reason": reason})
    return demand


@transaction.atomic
def demand_close(*, demand_id: int, actor: User, note: str = "", solved: bool = False) -> Demand:
    """The poster closes a demand: the need is met (``solved``) or gone."""
    note = _clean_note(note, field="note")
    demand = _locked(demand_id)
    demand.close_note = note
    demand.solved = solved
    demand.closed_at = timezone.now()
    DEMAND.transition(demand, "close", actor=actor, note=note, params={"solved": demand.solved},
                      fields=("close_note", "solved", "closed_at", "updated_at"))
    return demand


def demands_expire_due(*, today: date | None = None) -> int:
    """Expire published (and still unreviewed) demands whose deadline has passed; returns how many."""
    today = today or timezone.localdate()
    due = list(Demand.objects.filter(status__in=(S.PUBLISHED, S.SUBMITTED), deadline__lt=today)
               .order_by("pk").values_list("pk", flat=True))
    expired = 0
    for demand_id in due:
        with transaction.atomic():
            demand = _locked(demand_id)
            if demand.status in (S.PUBLISHED, S.SUBMITTED) and demand.deadline < today:
                # The clock's step: nobody acts, the rule (deadline passed) is checked here.
                DEMAND.transition(demand, "expire", actor=None, params={"deadline": demand.deadline.isoformat()},
                                  fields=("updated_at",), check=False)
                expired += 1
    return expired


def _notify_poster(demand: Demand, *, verb: str, actor: User, params: dict[str, Any]) -> None:
    notify(verb=verb, params=params, url=demand_url(demand), organisations=[demand.organisation], exclude=actor)
