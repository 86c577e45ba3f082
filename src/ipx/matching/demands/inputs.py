"""What a poster writes into a demand, typed and checked once before a service stores it.

``DemandInput.parse`` is the one place that turns what a page form, the API or a script
received into a new demand; ``DemandChanges.parse`` reads an edit's fields into their types,
and ``DemandChanges.applied_to`` checks the demand as it would be after the edit by the same
rules. Each raises one ``ValidationFailed`` naming every bad field, so a form shows all of
them at once. The page form's fields read their values with the readers here, so a page and
the API word the same mistake alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.regions import Province, RegionKind, is_country_code
from ipx.catalog.reference import check_ipc_code
from ipx.core.errors import ValidationFailed
from ipx.core.inputs import is_blank
from ipx.core.money import Money, check_currency, parse_amount, read_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.matching.demands.language import detect_language
from ipx.matching.models import ANY_REGION, Demand
from ipx.search.normalise import index_tokens

# The demand's columns a poster writes, in the order an edit names them in its history.
FIELDS = (
    "title", "description", "ipc_codes", "budget_min_amount", "budget_max_amount", "budget_currency",
    "region_kind", "province", "country", "deadline", "visibility",
)
MAX_TITLE = 200
MIN_DESCRIPTION = 20
MAX_DESCRIPTION = 20_000
MAX_IPC_CODES = 20
MAX_DEADLINE_DAYS = 2 * 365 + 1  # two years, whichever of them is a leap year


# --- Reading raw values into their types ---------------------------------------------------

def _word(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_codes(value: object, *, errors: FieldErrors, field: str = "ipc_codes") -> tuple[str, ...]:
    """IPC codes as given: a list, or text separated by commas (also "，" and ";")."""
    if is_blank(value):
        return ()
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").replace("，", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        errors.add(field, _("Give IPC codes as a list, e.g. H01M, G06F16/33."))
        return ()
    return tuple(str(code) for code in value)


def read_deadline(value: object, *, errors: FieldErrors, field: str = "deadline") -> date | None:
    """A day (2026-06-01, 2026/06/01, 20260601, 2026年6月1日, or a date)."""
    return clean_date(value, field=field, errors=errors, label=_("Deadline"), not_future=False)


# --- The value objects -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Budget:
    """What the poster means to spend: from, up to, or both, in one currency."""

    low: Money | None
    high: Money | None

    @property
    def currency(self) -> str:
        given = self.low or self.high
        return given.currency if given else ""


@dataclass(frozen=True, slots=True)
class Region:
    """Where solutions may come from: anywhere, a region (on the mainland perhaps one
    province), or one overseas country."""

    kind: str = ANY_REGION
    province: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandInput:
    """A demand as its poster wrote it, every rule checked; ``language`` is detected."""

    title: str
    description: str
    language: str
    ipc_codes: tuple[str, ...] = ()
    budget: Budget | None = None
    region: Region = Region()
    deadline: date
    visibility: str = Demand.Visibility.PUBLIC

    @classmethod
    def parse(cls, values: Mapping[str, object]) -> DemandInput:
        """From a form's cleaned data, an API body or a script (by column name, raw or typed);
        fields left out are empty, and the title, description and deadline are required."""
        errors = FieldErrors()
        return DemandValues.read(values, errors=errors).checked(errors=errors)

    def columns(self) -> dict[str, object]:
        """The demand's column values, with those derived from them (IPC sections, search terms)."""
        budget = self.budget
        return {
            "title": self.title, "description": self.description, "language": self.language,
            "ipc_codes": list(self.ipc_codes), "ipc_sections": "".join(sorted({code[0] for code in self.ipc_codes})),
            "budget_min_amount": budget.low.amount if budget and budget.low else None,
            "budget_max_amount": budget.high.amount if budget and budget.high else None,
            "budget_currency": budget.currency if budget else "",
            "region_kind": self.region.kind, "province": self.region.province, "country": self.region.country,
            "deadline": self.deadline, "visibility": self.visibility,
            "search_terms": _search_terms(self.title, self.description),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandValues:
    """A demand's fields read into their types, before the rules are checked."""

    title: str = ""
    description: str = ""
    ipc_codes: tuple[str, ...] = ()
    budget_min_amount: Decimal | None = None
    budget_max_amount: Decimal | None = None
    budget_currency: str = ""
    region_kind: str = ""
    province: str = ""
    country: str = ""
    deadline: date | None = None
    visibility: str = ""

    @classmethod
    def read(cls, values: Mapping[str, object], *, errors: FieldErrors) -> DemandValues:
        get = values.get
        return cls(
            title=_word(get("title")), description=_word(get("description")),
            ipc_codes=read_codes(get("ipc_codes"), errors=errors),
            budget_min_amount=read_amount(get("budget_min_amount"), field="budget_min_amount", errors=errors),
            budget_max_amount=read_amount(get("budget_max_amount"), field="budget_max_amount", errors=errors),
            budget_currency=_word(get("budget_currency")),
            region_kind=_word(get("region_kind")), province=_word(get("province")), country=_word(get("country")),
            deadline=read_deadline(get("deadline"), errors=errors),
            visibility=_word(get("visibility")),
        )

    @classmethod
    def of(cls, demand: Demand) -> DemandValues:
        return cls(
            title=demand.title, description=demand.description, ipc_codes=tuple(demand.ipc_codes),
            budget_min_amount=demand.budget_min_amount, budget_max_amount=demand.budget_max_amount,
            budget_currency=demand.budget_currency, region_kind=demand.region_kind, province=demand.province,
            country=demand.country, deadline=demand.deadline, visibility=demand.visibility,
        )

    def checked(self, *, errors: FieldErrors | None = None, keep_deadline: date | None = None) -> DemandInput:
        """The demand these values make, or one ValidationFailed naming every bad field (with
        those already in ``errors``). ``keep_deadline``: the deadline a published demand has
        already; it stays valid unchanged."""
        errors = FieldErrors() if errors is None else errors
        title, description, language = _check_text(self.title, self.description, errors)
        ipc_codes = _check_codes(self.ipc_codes, errors)
        budget = _check_budget(self.budget_min_amount, self.budget_max_amount, self.budget_currency, errors)
        region = _check_region(self.region_kind or ANY_REGION, self.province, self.country, errors)
        deadline = _check_deadline(self.deadline, errors, today=timezone.localdate(), keep=keep_deadline)
        visibility = clean_choice(self.visibility or Demand.Visibility.PUBLIC, Demand.Visibility,
                                  field="visibility", errors=errors)
        errors.raise_if_any()
        assert deadline is not None  # a missing deadline is one of the errors raised above
        return DemandInput(title=title, description=description, language=language, ipc_codes=ipc_codes,
                           budget=budget, region=region, deadline=deadline, visibility=visibility)


@dataclass(frozen=True, slots=True)
class DemandChanges:
    """An edit: the fields it gives, read into their types; the others stay as they are."""

    values: DemandValues
    given: frozenset[str]

    @classmethod
    def parse(cls, values: Mapping[str, object]) -> DemandChanges:
        """The demand's fields among ``values`` (a form's cleaned data, an API body); other keys
        are not the poster's to write and are left out."""
        errors = FieldErrors()
        given = frozenset(name for name in values if name in FIELDS)
        read = DemandValues.read({name: values[name] for name in given}, errors=errors)
        errors.raise_if_any()
        return cls(read, given)

    def applied_to(self, demand: Demand, *, keep_deadline: date | None = None) -> DemandInput:
        """The demand as it would be after the edit, checked by the rules of a new one."""
        changed: dict[str, Any] = {name: getattr(self.values, name) for name in self.given}
        return replace(DemandValues.of(demand), **changed).checked(keep_deadline=keep_deadline)


# --- The rules ------------------------------------------------------------------------------

def _check_text(title: str, description: str, errors: FieldErrors) -> tuple[str, str, str]:
    title = clean_text(title, field="title", errors=errors, max_length=MAX_TITLE, label=_("Title"))
    description = clean_text(description, field="description", errors=errors, max_length=MAX_DESCRIPTION,
                             label=_("Description"))
    if title and "title" not in errors.errors and not any(ch.isalnum() for ch in title):
        errors.add("title", _("Name the need in words."))
    if description and "description" not in errors.errors:
        if len("".join(description.split())) < MIN_DESCRIPTION:
            errors.add("description", _("Describe the need in at least %(n)d characters: what it is for, what "
                                        "it must achieve.") % {"n": MIN_DESCRIPTION})
        elif not detect_language(description).has_words:
            errors.add("description", _("Describe the need in words, in Chinese or English."))
    if not title or not description or {"title", "description"} & set(errors.errors):
        return title, description, ""
    detected = detect_language(f"{title}\n{description}")
    if detected.language is None:
        errors.add("description", _("Describe the need in words, in Chinese or English.") if not detected.has_words
                   else _("Write the demand in Chinese (Simplified or Traditional) or English; this text is in "
                          "a language the exchange cannot match."))
        return title, description, ""
    return title, description, detected.language


def _check_codes(given: tuple[str, ...], errors: FieldErrors) -> tuple[str, ...]:
    if len(given) > MAX_IPC_CODES:
        errors.add("ipc_codes", _("Give at most %(n)d IPC codes.") % {"n": MAX_IPC_CODES})
        return ()
    codes: list[str] = []
    for raw in given:
        try:
            code = check_ipc_code(raw, field="ipc_codes")
        except ValidationFailed as exc:
            errors.collect(exc)
            return ()
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _check_budget(low: Decimal | None, high: Decimal | None, currency: str, errors: FieldErrors) -> Budget | None:
    if not currency:
        if low is not None or high is not None:
            errors.add("budget_currency", _("Say in which currency the budget is."))
        return None
    try:
        currency = check_currency(currency, field="budget_currency")
    except ValidationFailed as exc:
        errors.collect(exc)
        return None
    if low is None and high is None:
        if not {"budget_min_amount", "budget_max_amount"} & set(errors.errors):
            errors.add("budget_min_amount", _("Give the budget (from, up to or both), or leave the currency "
                                              "empty."))
        return None
    ends: list[Money | None] = []
    for field, amount in (("budget_min_amount", low), ("budget_max_amount", high)):
        try:
            ends.append(None if amount is None else Money(parse_amount(amount, currency, field=field), currency))
        except ValidationFailed as exc:
            errors.collect(exc)
            ends.append(None)
    lower, upper = ends
    if lower is not None and upper is not None and lower.amount > upper.amount:
        errors.add("budget_max_amount", _("The budget's upper end is below its lower end."))
    return Budget(lower, upper)


def _check_region(kind: str, province: str, country: str, errors: FieldErrors) -> Region:
    if kind != ANY_REGION and kind not in RegionKind.values:
        errors.add("region_kind", _("“%(value)s” is not a region; use any, %(allowed)s.")
                   % {"value": kind, "allowed": ", ".join(RegionKind.values)})
        return Region()
    if kind == RegionKind.MAINLAND:
        # No province: anywhere on the mainland.
        if province and province not in Province.values:
            errors.add("province", _("Choose a mainland province, or none for the whole mainland."))
        return Region(kind, province=province)
    if kind == RegionKind.OVERSEAS:
        country = country.upper()
        if not is_country_code(country):
            errors.add("country", _("Choose the country (ISO code such as DE)."))
        return Region(kind, country=country)
    return Region(kind)


def _check_deadline(deadline: date | None, errors: FieldErrors, *, today: date, keep: date | None) -> date | None:
    if deadline is None:
        errors.add("deadline", _("%(field)s is required.") % {"field": _("Deadline")})
    elif deadline == keep:
        pass
    elif deadline <= today:
        errors.add("deadline", _("The deadline must be after today."))
    elif deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
        errors.add("deadline", _("The deadline can be at most two years ahead."))
    return deadline


def _search_terms(title: str, description: str) -> str:
    """Distinct normalised tokens, padded with spaces so a token matches as a whole word."""
    tokens = dict.fromkeys(index_tokens(f"{title}\n{description}"))
    return f" {' '.join(tokens)} " if tokens else ""
