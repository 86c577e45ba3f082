"""The workflow kernel: one way to move a stateful object from one status to another.

Each workflow (a listing's review, an offer, a deal, ...) declares a table of named actions:
the statuses an action starts from, the status it leads to (or none, for a step that is
recorded without changing the status, like one party's signature) and its guards. A guard
looks at the subject and the person acting and returns a ``Refusal`` or nothing. An action's
``who`` guards (who may take it at all) are asked before its status, its other guards after.

Services call ``Workflow.transition``: it locks the row, runs the table and the guards,
raises the first refusal as the usual ``ApplicationError``, sets the new status, writes the
event row (verb + params, put into words when read) and publishes the domain events after
commit. Pages and the API ask the same table with ``allowed_actions``, so a button is shown
exactly when its service would accept the click.

Guards that need the request's input (a reason, an amount) stay in the service: the table
answers "may this person do this now", the service "is what they sent acceptable".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.core.errors import ApplicationError, InvalidTransition, NotFound, PermissionDenied
from ipx.events import publish


class StatusEvent(models.Model):
    """One row per step of a workflow: who (for which organisation) moved it from where to
    where, the verb of the step, what a person typed (``note``) and what the system records
    (``params``, put into words in the reader's language when shown).

    Each workflow's event model adds the foreign key to its subject.
    """

    verb = models.CharField(gettext_lazy("what"), max_length=30, blank=True)
    from_status = models.CharField(gettext_lazy("from"), max_length=20, blank=True)
    to_status = models.CharField(gettext_lazy("to"), max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=gettext_lazy("by"))
    # The organisation the actor acted for, when it is not plain from the subject.
    acting_for = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=gettext_lazy("for"))
    note = models.TextField(gettext_lazy("note"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action may not be taken; raised as ``error`` with ``code`` and ``message``."""

    message: str | Promise
    code: str | None = None
    error: type[ApplicationError] = InvalidTransition
    fields: Mapping[str, str] | None = None

    def exception(self) -> ApplicationError:
        return self.error(self.message, code=self.code, fields=dict(self.fields or {}))


@dataclass(slots=True)
class Attempt:
    """What a guard sees: the subject, who acts, and a memo for answers several guards share
    (e.g. the actor's role in a deal, looked up once per check)."""

    subject: Any
    actor: Any
    memo: dict[str, Any] = field(default_factory=dict)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


Guard = Callable[[Attempt], Refusal | None]


@dataclass(frozen=True, slots=True)
class Action:
    """One row of a transition table."""

    sources: tuple[str, ...]
    target: str | None = None  # None: the step is recorded, the status stays
    # Who may take the action at all, asked before the status so that someone who may not
    # act learns nothing of the subject's state (403 rather than "it is rejected").
    who: tuple[Guard, ...] = ()
    guards: tuple[Guard, ...] = ()  # asked once the status allows the action
    publishes: tuple[str, ...] = ()  # domain events sent after commit, with ``<subject>_id``
    verb: str = ""  # the event row's verb, when it is not the action's name


def enforce(guards: Iterable[Guard], subject: Any, actor: Any) -> None:
    """Raise the first refusal of ``guards``. For a table's ``who`` (``Workflow.admit``), and for
    a step outside any table that follows the same rule (editing an organisation follows who
    may resubmit it), so the rule is written once."""
    attempt = Attempt(subject=subject, actor=actor)
    for guard in guards:
        refusal = guard(attempt)
        if refusal is not None:
            raise refusal.exception()


def the_exchange_only(attempt: Attempt) -> Refusal | None:
    """For steps the exchange takes itself, when their time comes (a deadline, a default):
    never offered to anyone; the services take them with ``check=False``."""
    return Refusal(_("The exchange takes this step itself."), error=PermissionDenied)


Subject = TypeVar("Subject", bound=models.Model)


class Workflow(Generic[Subject]):
    """A named table of actions over ``model``'s ``status`` with events in ``event_model``."""

    def __init__(
        self,
        *,
        name: str,
        model: type[Subject],
        event_model: type[StatusEvent],
        actions: Mapping[str, Action],
        subject_field: str | None = None,  # the event model's foreign key to the subject
        status_field: str = "status",
        refuse_status: Callable[[Subject, str, Action], Refusal] | None = None,
        not_found: str | Promise | None = None,
        on_change: Callable[[Subject, str, str], None] | None = None,
        record_on: Callable[[Subject], models.Model] | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.event_model = event_model
        self.actions: dict[str, Action] = dict(actions)
        self.subject_field = subject_field or name
        self.status_field = status_field
        self._refuse_status = refuse_status or self._default_refusal
        self._not_found = not_found
        self._on_change = on_change
        # Where the event rows go when the subject has no event table of its own (a deal's
        # milestones are recorded in the deal's history).
        self._record_on = record_on
        status = model._meta.get_field(status_field)
        statuses = {value for value, _label in getattr(status, "choices", None) or ()}
        for action_name, action in self.actions.items():
            unknown = {*action.sources, *([action.target] if action.target else [])} - statuses
            if unknown:
                raise ValueError(f"{name}.{action_name}: unknown statuses {sorted(unknown)}")

    def _default_refusal(self, subject: Subject, name: str, action: Action) -> Refusal:
        status = getattr(subject, f"get_{self.status_field}_display")()
        return Refusal(_("This cannot be done while it is %(status)s.") % {"status": status})

    # --- Reading the table -------------------------------------------------------------------

    def action(self, name: str) -> Action:
        try:
            return self.actions[name]
        except KeyError:
            raise ValueError(f"{self.name} has no action {name!r}") from None

    def targets(self, status: str) -> set[str]:
        """Every status one action leads to from ``status``."""
        return {a.target for a in self.actions.values() if status in a.sources and a.target is not None}

    def refusal(self, subject: Subject, name: str, actor: Any, *, attempt: Attempt | None = None) -> Refusal | None:
        """Why ``actor`` may not take action ``name`` on ``subject`` now, or None if they may."""
        action = self.action(name)
        attempt = attempt or Attempt(subject=subject, actor=actor)
        for guard in action.who:
            refusal = guard(attempt)
            if refusal is not None:
                return refusal
        if getattr(subject, self.status_field) not in action.sources:
            return self._refuse_status(subject, name, action)
        for guard in action.guards:
            refusal = guard(attempt)
            if refusal is not None:
                return refusal
        return None

    def allowed_actions(self, subject: Subject, actor: Any) -> list[str]:
        """The actions ``actor`` may take on ``subject`` now, in the table's order."""
        if actor is None or not getattr(actor, "is_authenticated", False):
            return []
        attempt = Attempt(subject=subject, actor=actor)
        return [name for name in self.actions if self.refusal(subject, name, actor, attempt=attempt) is None]

    def admit(self, name: str, subject: Subject | None, actor: Any) -> None:
        """Refuse at once whoever the action's ``who`` guards refuse, before the subject is
        locked or its input read. ``subject`` may be None for guards that look at the actor only."""
        enforce(self.action(name).who, subject, actor)

    def check(self, subject: Subject, name: str, actor: Any) -> None:
        refusal = self.refusal(subject, name, actor)
        if refusal is not None:
            raise refusal.exception()

    # --- Writing --------------------------------------------------------------------------------

    def lock(self, pk: object, *, related: Iterable[str] = ()) -> Subject:
        """The subject's row, locked until the transaction ends (``NotFound`` if there is none)."""
        query = self.model._default_manager.select_for_update(of=("self",))
        related = tuple(related)
        if related:
            query = query.select_related(*related)
        try:
            return query.get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise NotFound(self._not_found or _("Not found.")) from None

    def _relock_status(self, subject: Subject) -> None:
        # The caller may hold an object read before the lock; the status that counts is the
        # one in the locked row. Other fields the caller has set on the object are kept.
        current = (self.model._default_manager.select_for_update(of=("self",)).filter(pk=subject.pk)
                   .values_list(self.status_field, flat=True).first())
        if current is None:
            raise NotFound(self._not_found or _("Not found."))
        setattr(subject, self.status_field, current)

    def transition(
        self,
        subject: Subject,
        name: str,
        *,
        actor: Any,
        note: str = "",
        params: Mapping[str, Any] | None = None,
        acting_for: Any = None,
        fields: Iterable[str] = (),
        check: bool = True,
    ) -> StatusEvent:
        """Take action ``name``: lock, check the table and guards, move, record, publish.

        ``fields`` are other fields the caller has set on ``subject`` that are saved with the
        status. ``check=False`` is for system steps whose rules the caller has just checked
        on the locked row (e.g. expiry by the clock); the status table is checked always.
        """
        action = self.action(name)
        self._relock_status(subject)
        previous = getattr(subject, self.status_field)
        if check:
            self.check(subject, name, actor)
        elif previous not in action.sources:
            raise self._refuse_status(subject, name, action).exception()
        update_fields = list(dict.fromkeys(fields))
        if action.target is not None:
            setattr(subject, self.status_field, action.target)
            update_fields.insert(0, self.status_field)
        if update_fields:
            subject.save(update_fields=update_fields)
        event = self.record(subject, action.verb or name, actor=actor, note=note, params=params,
                            acting_for=acting_for, from_status=previous)
        for domain_event in action.publishes:
            publish(domain_event, **{f"{self.name}_id": subject.pk})
        if self._on_change is not None and action.target is not None:
            self._on_change(subject, previous, action.target)
        return event

    def record(
        self,
        subject: Subject,
        verb: str,
        *,
        actor: Any,
        note: str = "",
        params: Mapping[str, Any] | None = None,
        acting_for: Any = None,
        from_status: str | None = None,
    ) -> StatusEvent:
        """An event row for ``subject`` without a transition (creation, edits, payments)."""
        status = getattr(subject, self.status_field)
        return self.event_model._default_manager.create(
            **{self.subject_field: self._record_on(subject) if self._record_on else subject},
            verb=verb,
            from_status=status if from_status is None else from_status,
            to_status=status,
            actor=actor,
            acting_for=acting_for,
            note=note,
            params=dict(params or {}),
        )
