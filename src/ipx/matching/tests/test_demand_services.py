"""The demand services: input checks, the moderation workflow, refusals that change nothing
and domain events (closing and expiry: test_demand_closing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from ipx.accounts.models import Organisation, User
from ipx.core.errors import ApplicationError, Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.matching.demands import services
from ipx.matching.demands.inputs import DemandChanges, DemandInput
from ipx.matching.models import Demand, DemandEvent
from ipx.matching.notices import describe
from ipx.matching.tests.demand_helpers import (
    DESCRIPTION,
    TITLE,
    demand_data,
    draft,
    in_days,
    published,
    snapshot,
    submitted,
)
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_a_draft_keeps_every_field(owner: Member) -> None:
    demand = draft(owner)

    demand.refresh_from_db()
    assert demand.status == "draft"
    assert demand.organisation == owner.organisation
    assert demand.created_by == owner.user
    assert (demand.title, demand.description) == (TITLE, DESCRIPTION)
    assert demand.language == "zh-hans"
    assert demand.ipc_codes == ["H01M", "H01M50/40"]
    assert demand.ipc_sections == "H"
    assert demand.budget_min_amount == Decimal("100000.00")
    assert demand.budget_max_amount == Decimal("500000.50")
    assert demand.budget_currency == "CNY"
    assert (demand.region_kind, demand.province, demand.country, demand.region_code) == ("mainland", "44", "", "CN-44")
    assert demand.deadline == in_days(90)
    assert demand.visibility == "public"
    assert " 锂电池 " in demand.search_terms and " 隔膜 " in demand.search_terms
    assert list(demand.events.values_list("from_status", "to_status", "actor")) == [("", "draft", owner.user.pk)]


@pytest.mark.parametrize(("changes", "language"), [
    ({}, "zh-hans"),
    ({"title": "尋找高安全性鋰電池隔膜技術",
      "description": "我們需要一種在攝氏180度以上仍保持穩定的鋰電池隔膜，用於電動汽車。"}, "zh-hant"),
    ({"title": "Lithium battery separator wanted",
      "description": "We need a separator that stays stable above 180 °C for electric vehicle packs."}, "en"),
    ({"title": "Separator for 锂电池 packs",
      "description": "We need a separator that stays stable above 180 °C for electric vehicle packs."}, "en"),
])
def test_the_language_is_detected(owner: Member, changes: dict[str, str], language: str) -> None:
    assert draft(owner, **changes).language == language


def test_optional_fields_may_be_left_out(owner: Member) -> None:
    demand = services.demand_create(organisation_id=owner.organisation.pk, actor=owner.user, demand=DemandInput.parse({
        "title": "Wanted: cold-chain sensors", "description": "Low-power temperature loggers for cold-chain trucks.",
        "deadline": in_days(30).isoformat()}))

    assert demand.ipc_codes == [] and demand.ipc_sections == ""
    assert (demand.budget_min_amount, demand.budget_max_amount, demand.budget_currency) == (None, None, "")
    assert (demand.region_kind, demand.region_code) == ("any", "")
    assert demand.visibility == "public"


def test_codes_and_amounts_are_normalised(owner: Member) -> None:
    demand = draft(owner, ipc_codes="h01m, G06F 16/33，h01m", budget_min_amount="", budget_max_amount="1,000,000",
                   budget_currency="usd", region_kind="overseas", province="44", country="de")

    assert demand.ipc_codes == ["H01M", "G06F16/33"]
    assert demand.ipc_sections == "GH"
    assert (demand.budget_min_amount, demand.budget_max_amount, demand.budget_currency) == (
        None, Decimal("1000000.00"), "USD")
    assert (demand.region_kind, demand.province, demand.country, demand.region_code) == ("overseas", "", "DE", "DE")


BAD_INPUT = [
    ("bad IPC code", {"ipc_codes": ["H01M", "Z99Q"]}, "ipc_codes"),
    ("not an IPC shape", {"ipc_codes": ["battery"]}, "ipc_codes"),
    ("too many IPC codes", {"ipc_codes": ["H01M"] * 21}, "ipc_codes"),
    ("min above max", {"budget_min_amount": "600000", "budget_max_amount": "500000"}, "budget_max_amount"),
    ("unknown currency", {"budget_currency": "XYZ"}, "budget_currency"),
    ("amount without currency", {"budget_currency": ""}, "budget_currency"),
    ("currency without amount", {"budget_min_amount": None, "budget_max_amount": None}, "budget_min_amount"),
    ("yen with cents", {"budget_currency": "JPY", "budget_min_amount": "100.5"}, "budget_min_amount"),
    ("negative amount", {"budget_min_amount": "-5"}, "budget_min_amount"),
    ("amount not a number", {"budget_max_amount": "lots"}, "budget_max_amount"),
    ("past deadline", {"deadline": in_days(-1)}, "deadline"),
    ("deadline today", {"deadline": in_days(0)}, "deadline"),
    # Two years are at most 731 days; a day more, should the run cross midnight after collection.
    ("deadline beyond two years", {"deadline": in_days(2 * 366 + 1)}, "deadline"),
    ("no deadline", {"deadline": None}, "deadline"),
    ("deadline not a date", {"deadline": "soon"}, "deadline"),
    ("empty title", {"title": "  "}, "title"),
    ("huge title", {"title": "电" * 201}, "title"),
    ("empty description", {"description": ""}, "description"),
    ("short description", {"description": "需要隔膜"}, "description"),
    ("huge description", {"description": "电池隔膜" * 5001}, "description"),
    ("Cyrillic text", {"title": "Ищем сепаратор",
                       "description": "Нужен сепаратор для литиевых батарей электромобилей."}, "description"),
    ("Arabic text", {"title": "نبحث عن فاصل",
                     "description": "نحتاج إلى فاصل لبطاريات الليثيوم في السيارات الكهربائية."}, "description"),
    ("Japanese text", {"title": "セパレーターを探しています",
                       "description": "リチウムイオン電池のセパレーター技術を探しています。"}, "description"),
    ("no words", {"title": "12345", "description": "1234567890 1234567890 1234567890"}, "description"),
    ("NUL in text", {"description": DESCRIPTION + "\x00"}, "description"),
    ("invisible title", {"title": "\u200b\u200b"}, "title"),
    ("title of punctuation", {"title": "！！！"}, "title"),
    ("invisible description", {"description": "\u200b" * 40}, "description"),
    ("description of punctuation", {"description": "!" * 40}, "description"),
    ("description of emoji", {"description": "\U0001f600" * 30}, "description"),
    ("short but for its spaces", {"description": " ".join("需要隔膜需要隔膜需要隔膜")}, "description"),
    ("unknown region", {"region_kind": "moon"}, "region_kind"),
    ("unknown province", {"province": "99"}, "province"),
    ("overseas without country", {"region_kind": "overseas", "country": ""}, "country"),
    ("unknown visibility", {"visibility": "secret"}, "visibility"),
]


@pytest.mark.parametrize(("changes", "field"), [(c, f) for _n, c, f in BAD_INPUT], ids=[n for n, _c, _f in BAD_INPUT])
def test_bad_input_is_refused_and_nothing_saved(owner: Member, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draft(owner, **changes)

    assert field in refused.value.fields
    assert refused.value.status == 400
    assert Demand.objects.count() == 0
    assert DemandEvent.objects.count() == 0


def test_every_bad_field_is_named_at_once(owner: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draft(owner, ipc_codes=["Z99Q"], budget_currency="XYZ", deadline=in_days(-3), title="")
    assert set(refused.value.fields) == {"ipc_codes", "budget_currency", "deadline", "title"}


def test_refused_messages_say_what_is_wrong(owner: Member) -> None:
    with pytest.raises(ValidationFailed) as unsupported:
        draft(owner, title="Ищем сепаратор", description="Нужен сепаратор для литиевых батарей электромобилей.")
    assert unsupported.value.fields["description"] == (
        "Write the demand in Chinese (Simplified or Traditional) or English; this text is in a language the "
        "exchange cannot match.")
    with pytest.raises(ValidationFailed) as huge:
        draft(owner, description="电池隔膜" * 5001)
    assert huge.value.fields["description"] == "Description is too long: at most 20000 characters (it has 20004)."
    with pytest.raises(ValidationFailed) as order:
        draft(owner, budget_min_amount="600000", budget_max_amount="500000")
    assert order.value.fields["budget_max_amount"] == "The budget's upper end is below its lower end."


def test_only_members_create_demands_for_an_organisation(owner: Member, outsider: Member) -> None:
    with pytest.raises(PermissionDenied):
        services.demand_create(organisation_id=owner.organisation.pk, actor=outsider.user,
                               demand=DemandInput.parse(demand_data()))
    assert Demand.objects.count() == 0


def test_review_workflow(owner: Member, operator: User, events: list[Any]) -> None:
    demand = draft(owner)
    services.demand_submit(demand_id=demand.pk, actor=owner.user)
    demand.refresh_from_db()
    assert demand.status == "submitted" and demand.submitted_at is not None
    assert events == []

    services.demand_approve(demand_id=demand.pk, operator=operator, note="清楚")

    demand.refresh_from_db()
    assert demand.status == "published"
    assert demand.published_at is not None
    assert demand.review_note == "清楚"
    assert list(demand.events.values_list("from_status", "to_status", "note")) == [
        ("", "draft", ""), ("draft", "submitted", ""), ("submitted", "published", "清楚")]
    assert events == [("demand.changed", {"demand_id": demand.pk})]
    approved = Notification.objects.get(verb="demand.approved")
    assert approved.user == owner.user
    assert approved.url == f"/demands/{demand.pk}/"


def test_the_operator_sends_a_demand_back_with_a_reason(owner: Member, operator: User, on_commit: Any,
                                                       events: list[Any]) -> None:
    demand = submitted(owner)
    before = snapshot(demand)
    with pytest.raises(ValidationFailed) as no_reason:
        services.demand_reject(demand_id=demand.pk, operator=operator, reason="  ")
    assert no_reason.value.fields == {"reason": "Say what the poster must change; they see this note."}
    assert snapshot(demand) == before

    with on_commit():
        services.demand_reject(demand_id=demand.pk, operator=operator, reason="请写明预算用途")

    demand.refresh_from_db()
    assert (demand.status, demand.review_note) == ("draft", "请写明预算用途")
    assert demand.events.latest("id").note == "请写明预算用途"
    assert events == []  # never published: nothing for matching
    notice = Notification.objects.get(verb="demand.rejected")
    assert (notice.user, notice.body) == (owner.user, "请写明预算用途")
    assert [m.to for m in mail.outbox] == [[owner.user.email]]


def test_the_poster_recalls_a_demand_from_review(owner: Member) -> None:
    demand = submitted(owner)
    services.demand_recall(demand_id=demand.pk, actor=owner.user)
    demand.refresh_from_db()
    assert demand.status == "draft"
    assert demand.events.latest("id").from_status == "submitted"


def _refusals(owner: Member, outsider: Member, operator: User) -> list[tuple[str, Any, type[ApplicationError]]]:
    d, s, p = draft(owner), submitted(owner), published(owner, operator)
    return [
        ("submit twice", lambda: services.demand_submit(demand_id=s.pk, actor=owner.user), InvalidTransition),
        ("submit a published one", lambda: services.demand_submit(demand_id=p.pk, actor=owner.user),
         InvalidTransition),
        ("approve a draft", lambda: services.demand_approve(demand_id=d.pk, operator=operator), InvalidTransition),
        ("approve twice", lambda: services.demand_approve(demand_id=p.pk, operator=operator), InvalidTransition),
        ("the poster publishes", lambda: services.demand_approve(demand_id=s.pk, operator=owner.user),
         PermissionDenied),
        ("an outsider publishes", lambda: services.demand_approve(demand_id=s.pk, operator=outsider.user),
         PermissionDenied),
        ("the poster rejects", lambda: services.demand_reject(demand_id=s.pk, operator=owner.user, reason="x"),
         PermissionDenied),
        ("reject a published one", lambda: services.demand_reject(demand_id=p.pk, operator=operator, reason="x"),
         InvalidTransition),
        ("recall a draft", lambda: services.demand_recall(demand_id=d.pk, actor=owner.user), InvalidTransition),
        ("edit while in review", lambda: services.demand_update(
            demand_id=s.pk, actor=owner.user, changes=DemandChanges.parse({"title": "新标题需要更长一点"})), Conflict),
        ("an outsider edits a published one", lambda: services.demand_update(
            demand_id=p.pk, actor=outsider.user, changes=DemandChanges.parse({"title": "我的"})), PermissionDenied),
        ("an outsider edits a draft", lambda: services.demand_update(
            demand_id=d.pk, actor=outsider.user, changes=DemandChanges.parse({"title": "我的"})), NotFound),
        ("the operator edits", lambda: services.demand_update(
            demand_id=p.pk, actor=operator, changes=DemandChanges.parse({"title": "改"})), PermissionDenied),
        ("an outsider submits", lambda: services.demand_submit(demand_id=d.pk, actor=outsider.user), NotFound),
        ("an outsider recalls", lambda: services.demand_recall(demand_id=s.pk, actor=outsider.user), NotFound),
        ("an outsider closes", lambda: services.demand_close(demand_id=p.pk, actor=outsider.user), PermissionDenied),
        ("the operator closes", lambda: services.demand_close(demand_id=p.pk, actor=operator), PermissionDenied),
        ("a bad edit", lambda: services.demand_update(
            demand_id=p.pk, actor=owner.user, changes=DemandChanges.parse({"budget_currency": "XYZ"})),
         ValidationFailed),
        ("a huge closing note", lambda: services.demand_close(demand_id=p.pk, actor=owner.user, note="x" * 2001),
         ValidationFailed),
        ("no such demand", lambda: services.demand_submit(demand_id=999_999, actor=owner.user), NotFound),
    ]


def test_refused_actions_change_nothing(owner: Member, outsider: Member, operator: User, on_commit: Any) -> None:
    cases = _refusals(owner, outsider, operator)
    demands = list(Demand.objects.order_by("pk"))
    before = [snapshot(d) for d in demands]
    notifications = Notification.objects.count()
    for name, attempt, error in cases:
        with on_commit(), pytest.raises(error):
            attempt()
        assert [snapshot(d) for d in demands] == before, name
    assert Notification.objects.count() == notifications


def test_unverified_organisations_cannot_submit(owner: Member) -> None:
    Organisation.objects.filter(pk=owner.organisation.pk).update(status=Organisation.Status.PENDING)
    demand = draft(owner)
    before = snapshot(demand)
    with pytest.raises(PermissionDenied) as refused:
        services.demand_submit(demand_id=demand.pk, actor=owner.user)
    assert "not verified" in refused.value.message
    assert snapshot(demand) == before


def test_a_lapsed_deadline_blocks_submit_and_approval(owner: Member, operator: User) -> None:
    demand = draft(owner)
    Demand.objects.filter(pk=demand.pk).update(deadline=in_days(0))
    before = snapshot(demand)
    with pytest.raises(ValidationFailed):
        services.demand_submit(demand_id=demand.pk, actor=owner.user)
    assert snapshot(demand) == before

    waiting = submitted(owner)
    Demand.objects.filter(pk=waiting.pk).update(deadline=in_days(0))
    before = snapshot(waiting)
    with pytest.raises(Conflict):
        services.demand_approve(demand_id=waiting.pk, operator=operator)
    assert snapshot(waiting) == before


def test_a_published_demand_stays_published_when_edited(owner: Member, operator: User, events: list[Any]) -> None:
    demand = published(owner, operator)
    events.clear()

    services.demand_update(demand_id=demand.pk, actor=owner.user,
                           changes=DemandChanges.parse({"title": "寻找耐高温锂电池隔膜", "visibility": "anonymous",
                                                        "deadline": demand.deadline}))

    demand.refresh_from_db()
    assert (demand.status, demand.title, demand.visibility) == ("published", "寻找耐高温锂电池隔膜", "anonymous")
    assert describe(demand.events.latest("id")) == "edited"
    latest = demand.events.latest("id")
    assert (latest.from_status, latest.to_status) == ("published", "published")
    assert events == [("demand.changed", {"demand_id": demand.pk})]


def test_a_published_demand_keeps_its_deadline_on_its_last_day(owner: Member, operator: User) -> None:
    demand = published(owner, operator)
    Demand.objects.filter(pk=demand.pk).update(deadline=in_days(0))
    services.demand_update(demand_id=demand.pk, actor=owner.user,
                           changes=DemandChanges.parse({"title": "寻找锂电池隔膜方案"}))
    demand.refresh_from_db()
    assert (demand.title, demand.deadline) == ("寻找锂电池隔膜方案", in_days(0))


def test_editing_a_draft_changes_the_language_and_terms(owner: Member, events: list[Any]) -> None:
    demand = draft(owner)
    services.demand_update(demand_id=demand.pk, actor=owner.user, changes=DemandChanges.parse({
        "title": "Separator wanted", "description": "A separator that stays stable above 180 °C in EV packs.",
        "ipc_codes": []}))
    demand.refresh_from_db()
    assert (demand.language, demand.ipc_codes, demand.ipc_sections) == ("en", [], "")
    assert " separ " in demand.search_terms
    assert demand.events.count() == 1  # drafts change without history rows
    assert events == []
