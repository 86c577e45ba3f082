"""A demand's input read and checked once: the value objects the services take, the page
form's typed fields that feed them, and the API's partial edits."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ipx.accounts.models import User
from ipx.core.errors import ValidationFailed
from ipx.core.money import Money
from ipx.matching.demands.inputs import Budget, DemandChanges, DemandInput, DemandValues, Region
from ipx.matching.forms import DemandForm
from ipx.matching.models import Demand
from ipx.matching.tests.demand_helpers import DESCRIPTION, TITLE, demand_data, draft, in_days, published, snapshot
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_raw_and_typed_values_make_the_same_demand() -> None:
    typed = DemandInput.parse(demand_data(budget_min_amount=Decimal("100000"), budget_max_amount=Decimal("500000.50"),
                                          ipc_codes=("H01M", "H01M50/40")))
    raw = DemandInput.parse(demand_data(ipc_codes="h01m, H01M 50/40", budget_min_amount="100,000",
                                        deadline=in_days(90).isoformat()))

    assert typed == raw == DemandInput(
        title=TITLE, description=DESCRIPTION, language="zh-hans", ipc_codes=("H01M", "H01M50/40"),
        budget=Budget(Money(Decimal("100000.00"), "CNY"), Money(Decimal("500000.50"), "CNY")),
        region=Region("mainland", province="44"), deadline=in_days(90), visibility="public")


def test_the_columns_a_demand_is_stored_with() -> None:
    demand = DemandInput.parse(demand_data(budget_min_amount=None, budget_currency="usd", region_kind="overseas",
                                           country="de", visibility=""))

    columns = demand.columns()
    search_terms = columns.pop("search_terms")
    assert columns == {
        "title": TITLE, "description": DESCRIPTION, "language": "zh-hans", "ipc_codes": ["H01M", "H01M50/40"],
        "ipc_sections": "H", "budget_min_amount": None, "budget_max_amount": Decimal("500000.50"),
        "budget_currency": "USD", "region_kind": "overseas", "province": "", "country": "DE",
        "deadline": in_days(90), "visibility": "public",
    }
    assert isinstance(search_terms, str) and " 隔膜 " in search_terms


def test_amounts_are_decimals_never_floats() -> None:
    demand = DemandInput.parse(demand_data(budget_min_amount=0.1, budget_max_amount=1234.5))

    assert demand.budget == Budget(Money(Decimal("0.10"), "CNY"), Money(Decimal("1234.50"), "CNY"))
    assert demand.budget is not None and demand.budget.currency == "CNY"


def test_reading_and_the_rules_name_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        DemandInput.parse(demand_data(budget_max_amount="lots", deadline="soon", ipc_codes=7, visibility="secret"))

    assert refused.value.fields == {
        "budget_max_amount": "Enter an amount as a number, e.g. 250000.00.",
        "deadline": "“soon” is not a date; write it as YYYY-MM-DD.",
        "ipc_codes": "Give IPC codes as a list, e.g. H01M, G06F16/33.",
        "visibility": "“secret” is not one of the allowed values: public, anonymous.",
    }
    assert refused.value.message == "Please correct the fields marked below."


def test_a_missing_deadline_is_named_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        DemandInput.parse(demand_data(deadline=None))
    assert refused.value.fields == {"deadline": "Deadline is required."}


def test_an_edit_reads_only_the_demands_fields_it_gives() -> None:
    changes = DemandChanges.parse({"title": " 新标题 ", "budget_min_amount": "1,000", "status": "published",
                                   "organisation_id": 5})

    assert changes.given == frozenset({"title", "budget_min_amount"})
    assert (changes.values.title, changes.values.budget_min_amount) == ("新标题", Decimal("1000"))


def test_an_edit_refuses_what_cannot_be_read_naming_the_fields() -> None:
    with pytest.raises(ValidationFailed) as refused:
        DemandChanges.parse({"budget_min_amount": "lots", "deadline": "2026-13-01"})
    assert refused.value.fields == {"budget_min_amount": "Enter an amount as a number, e.g. 250000.00.",
                                    "deadline": "“2026-13-01” is not a date; write it as YYYY-MM-DD."}


def test_an_edit_is_checked_as_the_demand_it_makes(owner: Member) -> None:
    demand = draft(owner)

    after = DemandChanges.parse({"budget_currency": "", "budget_min_amount": None, "budget_max_amount": None,
                                 "title": "寻找耐高温隔膜"}).applied_to(demand)

    assert (after.title, after.budget, after.deadline) == ("寻找耐高温隔膜", None, demand.deadline)
    with pytest.raises(ValidationFailed) as refused:
        DemandChanges.parse({"budget_min_amount": "600000"}).applied_to(demand)
    assert refused.value.fields == {"budget_max_amount": "The budget's upper end is below its lower end."}


def test_a_published_deadline_stays_valid_unchanged_but_a_new_one_is_checked(owner: Member) -> None:
    demand = draft(owner)
    Demand.objects.filter(pk=demand.pk).update(deadline=in_days(0))
    demand.refresh_from_db()

    kept = DemandChanges.parse({"title": "寻找锂电池隔膜方案"}).applied_to(demand, keep_deadline=demand.deadline)
    assert kept.deadline == in_days(0)
    with pytest.raises(ValidationFailed) as refused:
        DemandChanges.parse({"title": "寻找锂电池隔膜方案"}).applied_to(demand)
    assert refused.value.fields == {"deadline": "The deadline must be after today."}
    assert DemandValues.of(demand).deadline == in_days(0)


# --- The page form: typed fields, read by the same readers --------------------------------

def _posted(**changes: Any) -> dict[str, Any]:
    return {**demand_data(deadline=in_days(60).isoformat(), ipc_codes="H01M, H01M50/40"), **changes}


def test_the_form_reads_typed_values_that_make_the_demand() -> None:
    form = DemandForm(_posted(budget_min_amount="100,000", budget_max_amount=" 500000.50 ",
                              deadline=in_days(60).strftime("%Y/%m/%d"), ipc_codes="h01m，H01M50/40"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["budget_min_amount"] == Decimal("100000")
    assert form.cleaned_data["deadline"] == in_days(60)
    assert form.cleaned_data["ipc_codes"] == ("h01m", "H01M50/40")
    assert form.demand_input() == DemandInput.parse(demand_data(deadline=in_days(60)))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("budget_min_amount", "lots", "Enter an amount as a number, e.g. 250000.00."),
    ("budget_max_amount", "NaN", "Enter an amount as a number, e.g. 250000.00."),
    ("deadline", "soon", "“soon” is not a date; write it as YYYY-MM-DD."),
    ("deadline", "1850-01-01", "Deadline is too far in the past."),
    ("deadline", "", "This field is required."),
])
def test_the_form_words_a_bad_value_as_the_api_reader_does(field: str, value: str, message: str) -> None:
    form = DemandForm(_posted(**{field: value}))

    assert not form.is_valid()
    assert form.errors[field] == [message]
    if value:
        with pytest.raises(ValidationFailed) as refused:
            DemandInput.parse(demand_data(**{field: value}))
        assert refused.value.fields[field] == message


def test_the_edit_form_shows_the_demands_values(owner: Member, operator: User) -> None:
    demand = published(owner, operator)
    html = owner.client.get(f"/demands/{demand.pk}/edit/").content.decode()

    assert 'name="budget_min_amount" value="100000.00"' in html
    assert 'name="budget_max_amount" value="500000.50"' in html
    assert f'name="deadline" value="{in_days(90).isoformat()}"' in html
    assert 'value="H01M, H01M50/40"' in html


def test_a_page_edit_with_thousands_separators_is_saved(owner: Member, operator: User) -> None:
    demand = published(owner, operator)

    response = owner.client.post(f"/demands/{demand.pk}/edit/", _posted(budget_max_amount="1,500,000",
                                                                         deadline=demand.deadline.isoformat()))

    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.budget_min_amount, demand.budget_max_amount) == (Decimal("100000.00"), Decimal("1500000.00"))


# --- The API: a partial edit changes the fields it gives ----------------------------------

def _patch(member: Member, demand: Demand, body: dict[str, Any]) -> Any:
    return member.client.patch(f"/api/v1/demands/{demand.pk}", data=json.dumps(body),
                               content_type="application/json")


def test_an_api_edit_keeps_the_fields_it_leaves_out(owner: Member) -> None:
    demand = draft(owner)

    answer = _patch(owner, demand, {"title": "寻找耐高温隔膜"})

    assert answer.status_code == 200
    demand.refresh_from_db()
    assert (demand.title, demand.budget_min_amount, demand.budget_max_amount, demand.budget_currency,
            demand.deadline) == ("寻找耐高温隔膜", Decimal("100000.00"), Decimal("500000.50"), "CNY", in_days(90))


def test_an_api_edit_clears_the_budget_with_nulls(owner: Member) -> None:
    demand = draft(owner)

    answer = _patch(owner, demand, {"budget_min_amount": None, "budget_max_amount": None, "budget_currency": None})

    assert answer.status_code == 200
    assert (answer.json()["budget_min_amount"], answer.json()["budget_currency"]) == (None, "")
    demand.refresh_from_db()
    assert (demand.budget_min_amount, demand.budget_max_amount, demand.budget_currency) == (None, None, "")


def test_a_refused_api_edit_names_the_fields_and_changes_nothing(owner: Member) -> None:
    demand = draft(owner)
    before = snapshot(demand)

    answer = _patch(owner, demand, {"budget_currency": None, "deadline": date(2020, 1, 1).isoformat()})

    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"budget_currency": "Say in which currency the budget is.",
                                                "deadline": "The deadline must be after today."}
    assert snapshot(demand) == before
