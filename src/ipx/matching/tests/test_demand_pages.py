"""Demand pages as members and visitors see them: the board and its filters, the forms
(which show the services' refusals and save nothing), the poster's buttons."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.matching.demands import services
from ipx.matching.demands.inputs import DemandChanges
from ipx.matching.models import Demand
from ipx.matching.tests.demand_helpers import demand_data, draft, in_days, published
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db


def _form(**changes: Any) -> dict[str, Any]:
    data = demand_data(deadline=in_days(60).isoformat(), ipc_codes="H01M, H01M50/40")
    return {**data, **changes}


@pytest.fixture
def board(owner: Member, buyer: Member, operator: User) -> dict[str, Demand]:
    return {
        "battery": published(owner, operator),
        "sensor": published(buyer, operator, title="Cold-chain temperature sensors wanted", ipc_codes=["G01K"],
                            description="Low-power temperature loggers for refrigerated trucks.", region_kind="hk",
                            budget_currency="HKD", budget_min_amount="20000", budget_max_amount=None),
        "abroad": published(buyer, operator, title="尋找鋰電池回收技術", ipc_codes=[], budget_currency="",
                            budget_min_amount=None, budget_max_amount=None,
                            description="我們希望引進廢舊鋰電池的回收與再利用技術，用於歐洲工廠。",
                            region_kind="overseas", country="DE"),
        "draft": draft(owner, title="草稿不在看板上"),
    }


def _shown(response: Any) -> list[int]:
    html = response.content.decode()
    return [int(part.split('"')[0]) for part in html.split('<article class="result demand" id="demand-')[1:]]


def test_the_board_lists_published_demands_newest_first(client: Client, board: dict[str, Demand]) -> None:
    response = client.get("/demands/")
    assert response.status_code == 200
    assert _shown(response) == [board["abroad"].pk, board["sensor"].pk, board["battery"].pk]
    html = response.content.decode()
    assert "草稿不在看板上" not in html
    assert '<div id="board-results">' in html
    assert 'id="demand-count"' in html


@pytest.mark.parametrize(("query", "expected"), [
    ("ipc_section=H", ["battery"]),
    ("ipc_section=g", ["sensor"]),
    ("region=CN-44", ["battery"]),
    ("region=CN", ["battery"]),
    ("region=HK", ["sensor"]),
    ("region=DE", ["abroad"]),
    ("currency=HKD", ["sensor"]),
    ("currency=CNY&region=HK", []),
    ("q=锂电池", ["abroad", "battery"]),
    ("q=鋰電池隔膜", ["battery"]),  # Traditional words find the Simplified demand
    ("q=回收", ["abroad"]),
    ("q=temperature+loggers", ["sensor"]),
    ("q=的", []),
])
def test_board_filters(client: Client, board: dict[str, Demand], query: str, expected: list[str]) -> None:
    response = client.get(f"/demands/?{query}")
    assert response.status_code == 200
    assert _shown(response) == [board[name].pk for name in expected]


@pytest.mark.parametrize("query", ["ipc_section=Z", "region=XX", "currency=BTC", "q=" + "长" * 201])
def test_bad_board_filters_are_a_clear_400(client: Client, board: dict[str, Demand], query: str) -> None:
    response = client.get(f"/demands/?{query}")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert client.get(f"/api/v1/demands?{query}").status_code == 400


BOARD_VALUES = {
    "currency": ["", " ", "\x1f", "cny", "HKD", " hk", "\x1fCN", "BTC", "us "],
    "ipc_section": ["", " ", "\x1f", "a", " b", "c\x1c", "Z", "AB"],
    "region": ["", " ", "\x1f", "any", " CN-44 ", "HK", "hk", "\x1fHK", "CN-4", "CN-44-1", "ANYTHING!!"],
}


def test_the_board_api_refuses_what_its_document_does_not_allow(client: Client, board: dict[str, Demand]) -> None:
    """Whatever the document does not allow is refused, white space around a value included
    (the fuzzing of the API's contract found "\\x1f" taken as blank); for the currency and the
    IPC section, whose every value is known, whatever it allows is accepted."""
    stated = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/demands"]["get"]["parameters"]
    for field, values in BOARD_VALUES.items():
        schema = next(parameter["schema"] for parameter in stated if parameter["name"] == field)
        for value in values:
            allowed = re.fullmatch(schema["pattern"], value) is not None
            status = client.get("/api/v1/demands", {field: value}).status_code
            assert allowed or status >= 400, (field, value, status)
            assert field == "region" or (status == 200) == allowed, (field, value, status)


def test_htmx_gets_only_the_results(client: Client, board: dict[str, Demand]) -> None:
    response = client.get("/demands/?region=HK", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="board-filters"' not in html
    assert _shown(response) == [board["sensor"].pk]


def test_the_board_api_filters_like_the_page(client: Client, board: dict[str, Demand]) -> None:
    answer = client.get("/api/v1/demands?q=鋰電池&size=1&page=2").json()
    assert (answer["count"], answer["page"], answer["size"]) == (2, 2, 1)
    assert [item["id"] for item in answer["items"]] == [board["battery"].pk]
    item = answer["items"][0]
    assert (item["region"], item["budget_currency"], item["language"]) == ("CN-44", "CNY", "zh-hans")


def test_the_main_navigation_links_to_the_board(client: Client) -> None:
    assert '<a href="/demands/">Demands</a>' in client.get("/search/").content.decode()


def test_posting_a_demand_from_the_form(owner: Member) -> None:
    client = owner.client
    assert client.get("/demands/new/").status_code == 200
    response = client.post("/demands/new/", _form())

    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/demands/{demand.pk}/"
    assert (demand.organisation, demand.status) == (owner.organisation, "draft")
    assert demand.ipc_codes == ["H01M", "H01M50/40"]
    page = client.get(response["Location"]).content.decode()
    assert "Submit for review" in page
    client.post(f"/demands/{demand.pk}/submit/")
    assert Demand.objects.get().status == "submitted"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"budget_min_amount": "900000"}, "budget_max_amount", "The budget&#x27;s upper end is below its lower end."),
    ({"budget_currency": "XYZ"}, "budget_currency", "Select a valid choice"),
    ({"deadline": in_days(-1).isoformat()}, "deadline", "The deadline must be after today."),
    ({"ipc_codes": "H01M, Q99"}, "ipc_codes", "is not an IPC code"),
    ({"description": "Нужен сепаратор для литиевых батарей электромобилей."}, "description",
     "Write the demand in Chinese (Simplified or Traditional) or English"),
    ({"description": "x" * 20_001}, "description", "at most 20000 characters (it has 20001)"),
    ({"description": ""}, "description", "This field is required."),
])
def test_form_errors_are_shown_on_their_fields(owner: Member, changes: dict[str, Any], field: str,
                                               message: str) -> None:
    response = owner.client.post("/demands/new/", _form(**changes))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert html.rindex(message) > html.index(f'id="field-{field}"')  # beside it (and in the summary above)
    assert Demand.objects.count() == 0


def test_editing_from_the_form(owner: Member, operator: User) -> None:
    demand = published(owner, operator)
    form = owner.client.get(f"/demands/{demand.pk}/edit/").content.decode()
    assert 'value="H01M, H01M50/40"' in form
    assert "The demand stays published while you edit it" in form

    refused = owner.client.post(f"/demands/{demand.pk}/edit/", _form(budget_currency="", title="改过的标题"))
    assert refused.status_code == 400
    assert Demand.objects.get().title == demand.title

    response = owner.client.post(f"/demands/{demand.pk}/edit/", _form(title="寻找耐高温隔膜", visibility="anonymous",
                                                                       deadline=demand.deadline.isoformat()))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.title, demand.visibility) == ("published", "寻找耐高温隔膜", "anonymous")


def test_closing_from_the_form(owner: Member, operator: User, client: Client) -> None:
    demand = published(owner, operator)
    assert "We found a solution" in owner.client.get(f"/demands/{demand.pk}/close/").content.decode()
    response = owner.client.post(f"/demands/{demand.pk}/close/", {"solved": "on", "note": "已与一家高校达成许可"})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.solved, demand.close_note) == ("closed", True, "已与一家高校达成许可")
    public = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "Solution found" in public and "已与一家高校达成许可" in public
    assert _shown(client.get("/demands/")) == []
    refused = owner.client.post(f"/demands/{demand.pk}/close/", {"note": "again"})
    assert refused.status_code == 400
    assert "cannot become" in refused.content.decode()


def test_the_demand_page_shows_history_and_notes_only_to_insiders(owner: Member, outsider: Member, operator: User,
                                                                   operator_client: Client) -> None:
    demand = published(owner, operator)
    services.demand_update(demand_id=demand.pk, actor=owner.user,
                           changes=DemandChanges.parse({"title": "寻找耐高温锂电池隔膜"}))
    Demand.objects.filter(pk=demand.pk).update(review_note="内部备注")
    readers = {"member": owner.client, "operator": operator_client, "outsider": outsider.client, "visitor": Client()}
    for role, client in readers.items():
        html = client.get(f"/demands/{demand.pk}/").content.decode()
        insider = role in ("member", "operator")
        assert ('id="demand-history"' in html) is insider, role
        assert ("内部备注" in html) is insider, role
        assert (f'href="/demands/{demand.pk}/edit/"' in html) is (role == "member"), role
    html = Client().get(f"/demands/{demand.pk}/").content.decode()
    assert '<a href="/catalog/ipc/H01M/">H01M</a>' in html
    assert 'lang="zh-hans"' in html


def test_our_demands_lists_every_status(owner: Member, operator: User) -> None:
    one, two = draft(owner, title="第一个草稿需求"), published(owner, operator, title="已发布的需求")
    html = owner.client.get("/demands/mine/").content.decode()
    assert html.index("已发布的需求") < html.index("第一个草稿需求")  # most recently changed first
    assert f"/demands/{one.pk}/" in html and f"/demands/{two.pk}/" in html
    drafts = owner.client.get("/demands/mine/?status=draft").content.decode()
    assert f"/demands/{one.pk}/" in drafts and f"/demands/{two.pk}/" not in drafts


def test_the_back_office_moderates_demands(owner: Member) -> None:
    admin = Client()
    sign_in(admin, UserFactory.create(is_staff=True, is_superuser=True))
    first, second = draft(owner), draft(owner, title="第二个需求的标题")
    for demand in (first, second):
        services.demand_submit(demand_id=demand.pk, actor=owner.user)
    assert admin.get(reverse("admin:matching_demand_changelist")).status_code == 200
    assert admin.get(reverse("admin:matching_demand_change", args=[first.pk])).status_code == 200
    assert admin.get(reverse("admin:matching_demand_add")).status_code == 403

    admin.post(reverse("admin:matching_demand_changelist"), {"action": "approve", "_selected_action": [first.pk]})
    asked = admin.post(reverse("admin:matching_demand_changelist"),
                       {"action": "send_back", "_selected_action": [second.pk]})
    assert asked.status_code == 200  # the reason form
    admin.post(reverse("admin:matching_demand_changelist"),
               {"action": "send_back", "_selected_action": [second.pk], "confirm": "1", "reason": "请补充技术指标"})

    assert dict(Demand.objects.values_list("pk", "status")) == {first.pk: "published", second.pk: "draft"}
    assert Demand.objects.get(pk=second.pk).review_note == "请补充技术指标"
    # Approving again is refused per row, and nothing changes.
    admin.post(reverse("admin:matching_demand_changelist"), {"action": "approve", "_selected_action": [first.pk]})
    assert Demand.objects.get(pk=first.pk).events.count() == 3
