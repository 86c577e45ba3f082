"""A deal reads in the reader's language, whoever acted: statuses, labels and the timeline are
put into words when the page is made, never stored in the actor's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from ipx.accounts.models import User
from ipx.core.money import Money
from ipx.deals.contracts import escrow, services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.tests.helpers import funded, submitted
from ipx.deals.models import Deal, DealEvent
from ipx.deals.timeline import deal_event_text
from ipx.ledger.models import LedgerTransaction
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client: Client, deal: Deal) -> str:
    response = client.get(f"/deals/{deal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def released(owner: Member, buyer: Member, operator: User) -> tuple[Deal, Money]:
    """Both English-speaking parties signed, the buyer funded milestone 1 and released it."""
    User.objects.filter(pk__in=[owner.user.pk, buyer.user.pk]).update(preferred_language="en")
    deal = funded(owner, buyer, operator)
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    deal.refresh_from_db()
    fee = escrow.fee_for(Decimal("100000.00"), fee_percent=deal.fee_percent, currency="CNY")
    return deal, Money(fee, "CNY")


def test_a_chinese_reader_sees_the_timeline_english_users_wrote_in_chinese(owner: Member, buyer: Member,
                                                                           operator: User) -> None:
    with translation.override("en"):  # the parties act in English
        deal, fee = released(owner, buyer, operator)
    sha = deal.contract_sha256

    html = page(in_language(buyer.client, "zh-hans"), deal)

    assert '<span class="tag status-signed" id="deal-status">已签署</span>' in html
    for text in (f"来自报价 #{deal.offer_id}", f"{owner.organisation.name} 已签署（合同 SHA-256 {sha}）",
                 "付款节点 1：100,000.00 CNY 已存入资金监管账户",
                 f"付款节点 1：已放款 100,000.00 CNY（平台服务费 {fee}）", "进展记录",
                 "付款节点款项已存入资金监管账户"):
        assert text in html, text
    for english in ("From offer", "signed (contract", "held in escrow", "released (platform fee"):
        assert english not in html, english
    # Nothing of it is stored in a language: the same rows read in English for an English reader.
    assert list(deal.events.values_list("note", flat=True)) == [""] * deal.events.count()
    memos = LedgerTransaction.objects.filter(reference__startswith=f"deal:{deal.pk}:").values_list("memo", flat=True)
    assert list(memos) == ["", ""]  # the hold and the release: the statement describes them
    english = page(in_language(owner.client, "en"), deal)
    assert f"From offer #{deal.offer_id}" in english
    assert f"Milestone 1: 100,000.00 CNY released (platform fee {fee})" in english


def test_traditional_chinese_reader(owner: Member, buyer: Member, operator: User) -> None:
    deal, _fee = released(owner, buyer, operator)

    html = page(in_language(owner.client, "zh-hant"), deal)

    assert '<span class="tag status-signed" id="deal-status">已簽署</span>' in html
    assert "付款節點 1：100,000.00 CNY 已存入資金監管帳戶" in html


def test_completed_deal_status_and_date_label(owner: Member, buyer: Member, operator: User) -> None:
    deal = submitted(owner, buyer, operator)
    with translation.override("en"):
        services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
        services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)

    html = page(in_language(buyer.client, "zh-hans"), deal)

    assert '<span class="tag status-completed" id="deal-status">已完成</span>' in html
    assert "<span>完成时间 " in html
    assert "完成日期" not in html
    assert "登记/备案号：2023990000123" in html  # the recordal step of the timeline
    assert "付款节点 2：备案登记经核验后自动放款 400,000.00 CNY" in html


def test_a_typed_note_is_shown_as_typed(owner: Member, buyer: Member, operator: User) -> None:
    deal = submitted(owner, buyer, operator)
    services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=False, note="Wrong number, check it")

    returned = deal.events.last()
    assert returned is not None
    assert (returned.note, returned.params, deal_event_text(returned)) == ("Wrong number, check it", {}, "")
    assert "Wrong number, check it" in page(in_language(buyer.client, "zh-hans"), deal)


def test_events_from_before_params_show_their_stored_text(owner: Member, buyer: Member, operator: User) -> None:
    deal = funded(owner, buyer, operator)
    DealEvent.objects.create(deal=deal, verb="funded", actor=buyer.user,
                             note="Milestone 1: 100,000.00 CNY held in escrow (written before)")

    html = page(in_language(buyer.client, "zh-hans"), deal)

    assert "Milestone 1: 100,000.00 CNY held in escrow (written before)" in html


def test_the_api_describes_events_in_the_request_language(owner: Member, buyer: Member, operator: User) -> None:
    deal, _fee = released(owner, buyer, operator)

    response = in_language(buyer.client, "zh-hans").get(f"/api/v1/deals/{deal.pk}")

    assert response.status_code == 200
    events = {event["kind"]: event for event in response.json()["events"]}
    assert events["created"]["description"] == f"来自报价 #{deal.offer_id}"
    assert events["funded"]["description"] == "付款节点 1：100,000.00 CNY 已存入资金监管账户"
    assert events["funded"]["params"] == {"position": 1, "amount": "100000.00", "currency": "CNY"}
    assert events["funded"]["note"] == ""


def test_notices_are_worded_in_each_recipients_language(owner: Member, buyer: Member, operator: User) -> None:
    User.objects.filter(pk=owner.user.pk).update(preferred_language="zh-hans")
    User.objects.filter(pk=buyer.user.pk).update(preferred_language="en")
    deal = funded(owner, buyer, operator)
    number = deal_number(deal)
    services.deal_cancel(deal_id=deal.pk, actor=operator, reason="Price disagreement")  # signed: operators cancel

    # Stored as a verb and data only: nothing in anyone's language.
    funded_notice = Notification.objects.get(user=owner.user, verb="deal.funded")
    assert (funded_notice.params, funded_notice.stored_title, funded_notice.stored_body) == (
        {"number": number, "position": 1, "amount": "100000.00", "currency": "CNY"}, "", "")
    assert funded_notice.title == f"交易 {number}：付款节点 1 已付款"
    assert funded_notice.body == f"交易 {number} 付款节点 1 的 100,000.00 CNY 已存入资金监管账户。"
    cancelled = Notification.objects.get(user=owner.user, verb="deal.cancelled")
    assert cancelled.params == {"number": number, "reason": "Price disagreement", "currency": "CNY",
                                "refunded": ["100000.00"]}
    assert cancelled.body == f"交易 {number} 已取消：Price disagreement\n已退还买方：100,000.00 CNY"
    signed = Notification.objects.get(user=buyer.user, verb="deal.signed_by_one")
    assert signed.title == f"{owner.organisation.name} signed deal {number}"
