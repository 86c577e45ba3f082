"""Writes for technology demands: drafts, edits and the moderation workflow.

draft → submitted → published (operator review) → closed (by the poster) / expired (the
deadline passed); a rejected review sends the demand back to draft with the operator's
note, and the poster may recall a submitted demand to draft. Each transition locks the row,
checks the map below and writes a DemandEvent.

Domain events: ``demand.changed`` whenever a demand enters, changes while in, or leaves the
published state (publish, edit, close, expire) — matching recomputes from it;
``demand.published`` once more when the operator publishes one.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.regions import Province, RegionKind, is_country_code
from ipx.accounts.selectors import access_organisation, is_member
from ipx.catalog.reference import check_ipc_code
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.events import publish
from ipx.matching.demands.language import detect_language
from ipx.matching.models import ANY_REGION, Demand, DemandEvent
from ipx.notifications.services import notify
from ipx.search.normalise import index_tokens

S = Demand.Status
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.CLOSED},
    S.SUBMITTED: {S.PUBLISHED, S.DRAFT, S.CLOSED, S.EXPIRED},
    S.PUBLISHED: {S.CLOSED, S.EXPIRED},
    S.CLOSED: set(),
    S.EXPIRED: set(),
}
EDITABLE_STATUSES = (S.DRAFT, S.PUBLISHED)

FIELDS = (
    "title", "description", "ipc_codes", "budget_min_amount", "budget_max_amount", "budget_currency",
    "region_kind", "province", "country", "deadline", "visibility",
)
MAX_TITLE = 200
MIN_DESCRIPTION = 20
MAX_DESCRIPTION = 20_000
MAX_IPC_CODES = 20
MAX_DEADLINE_DAYS = 2 * 365 + 1  # two years, whichever of them is a leap year
MAX_NOTE = 2000


# --- Input ---------------------------------------------------------------------------------

def _clean_ipc_codes(value: object, errors: FieldErrors) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").replace("，", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        errors.add("ipc_codes", _("Give IPC codes as a list, e.g. H01M, G06F16/33."))
        return []
    if len(value) > MAX_IPC_CODES:
        errors.add("ipc_codes", _("Give at most %(n)d IPC codes.") % {"n": MAX_IPC_CODES})
        return []
    codes: list[str] = []
    for raw in value:
        try:
            code = check_ipc_code(str(raw), field="ipc_codes")
        except ValidationFailed as exc:
            errors.collect(exc)
            return []
        if code not in codes:
            codes.append(code)
    return codes


def _clean_budget(data: dict[str, Any], errors: FieldErrors) -> tuple[Decimal | None, Decimal | None, str]:
    raw_low, raw_high = data.get("budget_min_amount"), data.get("budget_max_amount")
    has_amount = raw_low not in (None, "") or raw_high not in (None, "")
    raw_currency = data.get("budget_currency")
    if raw_currency in (None, ""):
        if has_amount:
            errors.add("budget_currency", _("Say in which currency the budget is."))
        return None, None, ""
    try:
        currency = check_currency(raw_currency, field="budget_currency")
    except ValidationFailed as exc:
        errors.collect(exc)
        return None, None, ""
    if not has_amount:
        errors.add("budget_min_amount", _("Give the budget (from, up to or both), or leave the currency empty."))
        return None, None, currency
    amounts: list[Decimal | None] = []
    for field, raw in (("budget_min_amount", raw_low), ("budget_max_amount", raw_high)):
        if raw in (None, ""):
            amounts.append(None)
            continue
        try:
            amounts.append(parse_amount(raw, currency, field=field))
        except ValidationFailed as exc:
            errors.collect(exc)
            amounts.append(None)
    low, high = amounts
    if low is not None and high is not None and low > high:
        errors.add("budget_max_amount", _("The budget's upper end is below its lower end."))
    return low, high, currency


def _clean_region(data: dict[str, Any], errors: FieldErrors) -> tuple[str, str, str]:
    kind = str(data.get("region_kind") or ANY_REGION).strip()
    if kind != ANY_REGION and kind not in RegionKind.values:
        errors.add("region_kind", _("“%(value)s” is not a region; use any, %(allowed)s.")
                   % {"value": kind, "allowed": ", ".join(RegionKind.values)})
        return ANY_REGION, "", ""
    province = str(data.get("province") or "").strip()
    country = str(data.get("country") or "").strip().upper()
    if kind == RegionKind.MAINLAND:
        # No province: anywhere on the mainland.
        if province and province not in Province.values:
            errors.add("province", _("Choose a mainland province, or none for the whole mainland."))
        return kind, province, ""
    if kind == RegionKind.OVERSEAS:
        if not is_country_code(country):
            errors.add("country", _("Choose the country (ISO code such as DE)."))
        return kind, "", country
    return kind, "", ""


def _clean_deadline(value: object, errors: FieldErrors, *, today: date, keep: date | None) -> date | None:
    deadline = clean_date(value, field="deadline", errors=errors, label=_("Deadline"), required=True,
                          not_future=False)
    if deadline is None or deadline == keep:
        return deadline
    if deadline <= today:
        errors.add("deadline", _("The deadline must be after today."))
    elif deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
        errors.add("deadline", _("The deadline can be at most two years ahead."))
    return deadline


def clean_demand_data(data: dict[str, Any], *, keep_deadline: date | None = None) -> dict[str, Any]:
    """Every field of a demand checked at once; one ValidationFailed names all bad fields.

    ``keep_deadline``: the deadline a published demand already has; it stays valid unchanged.
    """
    errors = FieldErrors()
    today = date.today()
    title = clean_text(data.get("title"), field="title", errors=errors, max_length=MAX_TITLE, label=_("Title"))
    description = clean_text(data.get("description"), field="description", errors=errors,
                             max_length=MAX_DESCRIPTION, label=_("Description"))
    if description and "description" not in errors.errors and len(description) < MIN_DESCRIPTION:
        errors.add("description", _("Describe the need in at least %(n)d characters: what it is for, what "
                                    "it must achieve.") % {"n": MIN_DESCRIPTION})
    language = ""
    if title and description and not {"title", "description"} & set(errors.errors):
        detected = detect_language(f"{title}\n{description}")
        if detected.language is None:
            errors.add("description", _("Describe the need in words, in Chinese or English.") if not detected.has_words
                       else _("Write the demand in Chinese (Simplified or Traditional) or English; this text is in "
                              "a language the exchange cannot match."))
        else:
            language = detected.language
    low, high, currency = _clean_budget(data, errors)
    region_kind, province, country = _clean_region(data, errors)
    deadline = _clean_deadline(data.get("deadline"), errors, today=today, keep=keep_deadline)
    visibility = clean_choice(data.get("visibility") or Demand.Visibility.PUBLIC, Demand.Visibility,
                              field="visibility", errors=errors)
    ipc_codes = _clean_ipc_codes(data.get("ipc_codes"), errors)
    errors.raise_if_any()
    return {
        "title": title, "description": description, "language": language, "ipc_codes": ipc_codes,
        "ipc_sections": "".join(sorted({code[0] for code in ipc_codes})),
        "budget_min_amount": low, "budget_max_amount": high, "budget_currency": currency,
        "region_kind": region_kind, "province": province, "country": country, "deadline": deadline,
        "visibility": visibility,
        "search_terms": _search_terms(title, description),
    }


def _search_terms(title: str, description: str) -> str:
    """Distinct normalised tokens, padded with spaces so a token matches as a whole word."""
    tokens = dict.fromkeys(index_tokens(f"{title}\n{description}"))
    return f" {' '.join(tokens)} " if tokens else ""


# --- Rows, locks and checks ---------------------------------------------------------------

def _record(demand: Demand, *, from_status: str, actor: User | None, note: str = "") -> None:
    DemandEvent.objects.create(demand=demand, from_status=from_status, to_status=demand.status,
                               actor=actor, note=note)


def _locked(demand_id: int) -> Demand:
    try:
        return Demand.objects.select_for_update().select_related("organisation").get(pk=demand_id)
    except Demand.DoesNotExist:
        raise NotFound(_("No such demand.")) from None


def _locked_for_member(actor: User, demand_id: int) -> Demand:
    demand = _locked(demand_id)
    if not is_member(actor, demand.organisation_id):
        if demand.published_at is None and not actor.is_operator:
            # A demand never published does not exist for outsiders.
            raise NotFound(_("No such demand."))
        raise PermissionDenied(_("Only members of the posting organisation may change this demand."))
    return demand


def _require_operator(user: User) -> None:
    if not user.is_operator:
        raise PermissionDenied(_("Only operators moderate demands."))


def _check_transition(demand: Demand, to_status: str) -> None:
    if to_status not in TRANSITIONS[demand.status]:
        raise InvalidTransition(
            _("A demand that is %(from)s cannot become %(to)s.")
            % {"from": demand.get_status_display(), "to": S(to_status).label}
        )


def _clean_note(value: str, *, field: str) -> str:
    note = (value or "").strip()
    if "\x00" in note:
        raise ValidationFailed.for_field(field, _("The text contains a NUL character."))
    if len(note) > MAX_NOTE:
        raise ValidationFailed.for_field(field, _("The note is too long: at most %(n)d characters.") % {"n": MAX_NOTE})
    return note


def _transition(demand: Demand, to_status: str, *, actor: User | None, note: str = "") -> Demand:
    _check_transition(demand, to_status)
    previous = demand.status
    demand.status = to_status
    demand.save()
    _record(demand, from_status=previous, actor=actor, note=note)
    if S.PUBLISHED in (previous, to_status):
        publish("demand.changed", demand_id=demand.pk)
    return demand


def demand_url(demand: Demand) -> str:
    return reverse("matching:detail", args=[demand.pk])


# --- Services ------------------------------------------------------------------------------

@transaction.atomic
def demand_create(*, organisation_id: int, actor: User, data: dict[str, Any]) -> Demand:
    """A draft demand of the organisation; submitted for review once it is ready."""
    organisation = access_organisation(actor, organisation_id)
    cleaned = clean_demand_data(data)
    demand = Demand.objects.create(organisation=organisation, created_by=actor, **cleaned)
    _record(demand, from_status="", actor=actor)
    return demand


@transaction.atomic
def demand_update(*, demand_id: int, actor: User, data: dict[str, Any]) -> Demand:
    """Edit a draft, or a published demand (it stays published; matching follows). Fields
    left out keep their values."""
    demand = _locked_for_member(actor, demand_id)
    if demand.status not in EDITABLE_STATUSES:
        raise Conflict(_("A demand that is %(status)s cannot be edited.") % {"status": demand.get_status_display()})
    current: dict[str, Any] = {name: getattr(demand, name) for name in FIELDS}
    merged = current | {name: value for name, value in data.items() if name in FIELDS}
    keep = demand.deadline if demand.status == S.PUBLISHED else None
    cleaned = clean_demand_data(merged, keep_deadline=keep)
    for name, value in cleaned.items():
        setattr(demand, name, value)
    demand.save()
    if demand.status == S.PUBLISHED:
        _record(demand, from_status=demand.status, actor=actor, note=_("edited"))
        publish("demand.changed", demand_id=demand.pk)
    return demand


@transaction.atomic
def demand_submit(*, demand_id: int, actor: User) -> Demand:
    demand = _locked_for_member(actor, demand_id)
    if not demand.organisation.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; demands can be submitted once the operator has "
                                 "verified it.") % {"name": demand.organisation.name})
    _check_transition(demand, S.SUBMITTED)
    if demand.deadline <= date.today():
        raise ValidationFailed.for_field("deadline", _("The deadline has passed; set a later one first."))
    demand.submitted_at = timezone.now()
    demand.review_note = ""
    return _transition(demand, S.SUBMITTED, actor=actor)


@transaction.atomic
def demand_recall(*, demand_id: int, actor: User) -> Demand:
    """The poster takes a submitted demand back to draft, to change it before review."""
    demand = _locked_for_member(actor, demand_id)
    if demand.status != S.SUBMITTED:
        raise InvalidTransition(_("Only demands awaiting review can be recalled."))
    return _transition(demand, S.DRAFT, actor=actor)


@transaction.atomic
def demand_approve(*, demand_id: int, operator: User, note: str = "") -> Demand:
    _require_operator(operator)
    note = _clean_note(note, field="note")
    demand = _locked(demand_id)
    _check_transition(demand, S.PUBLISHED)
    if not demand.organisation.is_verified:
        raise Conflict(_("The organisation is not verified; verify it first."))
    if demand.deadline <= date.today():
        raise Conflict(_("The demand's deadline has passed; send it back so the poster can set a new one."))
    demand.published_at = timezone.now()
    demand.review_note = note
    _transition(demand, S.PUBLISHED, actor=operator, note=note)
    publish("demand.published", demand_id=demand.pk)
    _notify_poster(demand, verb="demand.approved", actor=operator,
                   title=lambda: _("Your demand “%(title)s” is published") % {"title": demand.title},
                   body=lambda: _("Members can now see it on the demand board.") + (f"\n\n{note}" if note else ""))
    return demand


@transaction.atomic
def demand_reject(*, demand_id: int, operator: User, reason: str) -> Demand:
    _require_operator(operator)
    reason = _clean_note(reason, field="reason")
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say what the poster must change; they see this note."))
    demand = _locked(demand_id)
    if demand.status != S.SUBMITTED:
        raise InvalidTransition(_("Only demands awaiting review can be sent back."))
    demand.review_note = reason
    _transition(demand, S.DRAFT, actor=operator, note=reason)
    _notify_poster(demand, verb="demand.rejected", actor=operator,
                   title=lambda: _("Your demand “%(title)s” needs changes") % {"title": demand.title},
                   body=lambda: reason)
    return demand


@transaction.atomic
def demand_close(*, demand_id: int, actor: User, note: str = "", solved: bool = False) -> Demand:
    """The poster closes a demand: the need is met (``solved``) or gone."""
    note = _clean_note(note, field="note")
    demand = _locked_for_member(actor, demand_id)
    _check_transition(demand, S.CLOSED)
    demand.close_note = note
    demand.solved = bool(solved)
    demand.closed_at = timezone.now()
    return _transition(demand, S.CLOSED, actor=actor, note=note)


def demands_expire_due(*, today: date | None = None) -> int:
    """Expire published (and still unreviewed) demands whose deadline has passed; returns how many."""
    today = today or date.today()
    due = list(Demand.objects.filter(status__in=(S.PUBLISHED, S.SUBMITTED), deadline__lt=today)
               .order_by("pk").values_list("pk", flat=True))
    expired = 0
    for demand_id in due:
        with transaction.atomic():
            demand = _locked(demand_id)
            if demand.status in (S.PUBLISHED, S.SUBMITTED) and demand.deadline < today:
                _transition(demand, S.EXPIRED, actor=None, note=_("The deadline passed."))
                expired += 1
    return expired


def _notify_poster(demand: Demand, *, verb: str, actor: User, title: Any, body: Any) -> None:
    notify(verb=verb, title=title, body=body, url=demand_url(demand), organisations=[demand.organisation],
           exclude=actor)
