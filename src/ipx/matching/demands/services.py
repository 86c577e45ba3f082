"""Writes for technology demands: drafts, edits and the moderation workflow.

The workflow itself (who may move a demand from where to where, and the domain events it
sends) is the table in ``ipx.matching.demands.workflow``; these services check the input,
set the fields each step changes and call the kernel, which locks the row, runs the guards
and writes the DemandEvent (verb + params; ``notices.describe`` puts it into words).
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
from ipx.accounts.selectors import access_organisation
from ipx.catalog.reference import check_ipc_code
from ipx.core.errors import ValidationFailed
from ipx.core.money import check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.events import publish
from ipx.matching.demands.language import detect_language
from ipx.matching.demands.workflow import DEMAND, operators_only, posters_only, refuse_unless
from ipx.matching.models import ANY_REGION, Demand
from ipx.notifications.services import notify
from ipx.search.normalise import index_tokens

S = Demand.Status

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


# --- Locks and checks ---------------------------------------------------------------------

def _locked(demand_id: int) -> Demand:
    return DEMAND.lock(demand_id, related=("organisation",))


def _locked_for_member(actor: User, demand_id: int) -> Demand:
    demand = _locked(demand_id)
    refuse_unless(posters_only, demand, actor)
    return demand


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
def demand_create(*, organisation_id: int, actor: User, data: dict[str, Any]) -> Demand:
    """A draft demand of the organisation; submitted for review once it is ready."""
    organisation = access_organisation(actor, organisation_id)
    cleaned = clean_demand_data(data)
    demand = Demand.objects.create(organisation=organisation, created_by=actor, **cleaned)
    DEMAND.record(demand, "create", actor=actor, from_status="")
    return demand


@transaction.atomic
def demand_update(*, demand_id: int, actor: User, data: dict[str, Any]) -> Demand:
    """Edit a draft, or a published demand (it stays published; matching follows). Fields
    left out keep their values."""
    demand = _locked_for_member(actor, demand_id)
    DEMAND.check(demand, "edit", actor)
    current: dict[str, Any] = {name: getattr(demand, name) for name in FIELDS}
    merged = current | {name: value for name, value in data.items() if name in FIELDS}
    keep = demand.deadline if demand.status == S.PUBLISHED else None
    cleaned = clean_demand_data(merged, keep_deadline=keep)
    for name, value in cleaned.items():
        setattr(demand, name, value)
    demand.save()
    if demand.status == S.PUBLISHED:
        # Drafts change without history rows; a published demand's edits are on record.
        changed = [name for name in FIELDS if getattr(demand, name) != current[name]]
        DEMAND.record(demand, "edit", actor=actor, params={"fields": changed})
        publish("demand.changed", demand_id=demand.pk)
    return demand


@transaction.atomic
def demand_submit(*, demand_id: int, actor: User) -> Demand:
    demand = _locked_for_member(actor, demand_id)
    demand.submitted_at = timezone.now()
    demand.review_note = ""
    DEMAND.transition(demand, "submit", actor=actor, fields=("submitted_at", "review_note", "updated_at"))
    return demand


@transaction.atomic
def demand_recall(*, demand_id: int, actor: User) -> Demand:
    """The poster takes a submitted demand back to draft, to change it before review."""
    demand = _locked_for_member(actor, demand_id)
    DEMAND.transition(demand, "recall", actor=actor, fields=("updated_at",))
    return demand


@transaction.atomic
def demand_approve(*, demand_id: int, operator: User, note: str = "") -> Demand:
    refuse_unless(operators_only, None, operator)
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
    refuse_unless(operators_only, None, operator)
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
    demand = _locked_for_member(actor, demand_id)
    demand.close_note = note
    demand.solved = bool(solved)
    demand.closed_at = timezone.now()
    DEMAND.transition(demand, "close", actor=actor, note=note, params={"solved": demand.solved},
                      fields=("close_note", "solved", "closed_at", "updated_at"))
    return demand


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
                # The clock's step: nobody acts, the rule (deadline passed) is checked here.
                DEMAND.transition(demand, "expire", actor=None, params={"deadline": demand.deadline.isoformat()},
                                  fields=("updated_at",), check=False)
                expired += 1
    return expired


def _notify_poster(demand: Demand, *, verb: str, actor: User, params: dict[str, Any]) -> None:
    notify(verb=verb, params=params, url=demand_url(demand), organisations=[demand.organisation], exclude=actor)
