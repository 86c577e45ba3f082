"""A negotiation reads in the reader's language: the offer actions and statuses in their
negotiation sense (not the listing's or the registration's), the offer history put into
words when shown, and refusals made of whole sentences."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from ipx.core.errors import Conflict, InvalidTransition
from ipx.deals.models import Offer, OfferEvent, Thread
from ipx.deals.negotiation import messages, offers, threads
from ipx.deals.negotiation.tests.conftest import offer_terms, pdf_bytes, upload
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def thread_page(client: Client, thread: Thread, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("negotiation:thread", args=[thread.pk]))
    assert response.status_code == 200
    return response.content.decode()


def status_tags(html: str, offer: Offer) -> list[str]:
    """The status tag of one offer's card."""
    card = html[html.index(f'id="offer-{offer.pk}"'):]
    return re.findall(r'<span class="tag status-[a-z]+">([^<]+)</span>', card)[:1]


def test_a_chinese_reader_sees_offer_actions_and_statuses_in_chinese(thread: Thread, buyer: Member,
                                                                     owner: Member) -> None:
    with translation.override("en"):  # English-speaking parties act
        withdrawn = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
        offers.offer_withdraw(offer_id=withdrawn.pk, actor=buyer.user)
        rejected = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
        offers.offer_reject(offer_id=rejected.pk, actor=owner.user, reason="Too low")
        open_offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms(
            payment_structure="milestones",
            milestones=[{"title": "签约款", "amount": "100000.00", "condition": "on_signing"}]))

    html = thread_page(buyer.client, thread, "zh-hans")

    assert status_tags(html, withdrawn) == ["已撤回"]
    assert status_tags(html, rejected) == ["已拒绝"]
    assert status_tags(html, open_offer) == ["待答复"]
    assert '<button class="danger" type="submit">撤回</button>' in html
    assert "下架" not in html and "未通过认证" not in html
    # The history: the status change in Chinese, the reason as typed.
    assert "已撤回" in html and "待答复 → 已拒绝" in html and "Too low" in html
    assert "<dt>付款节点</dt>" in html  # the heading of the milestone list, not the payment option
    seller_html = thread_page(owner.client, thread, "zh-hans")
    for action in ("接受", "还价", "拒绝"):
        assert f">{action}</" in seller_html, action
    assert "已撤回" in thread_page(buyer.client, thread, "zh-hant")


def test_closing_and_expiry_read_in_the_readers_language(thread: Thread, buyer: Member, owner: Member) -> None:
    with translation.override("en"):
        expired = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
        Offer.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        assert offers.offers_expire_due() == 1
        closed = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
        threads.thread_close(thread_id=thread.pk, actor=owner.user)
    expired.refresh_from_db()
    assert [e.note for e in OfferEvent.objects.filter(offer__in=[expired, closed])] == ["", "", "", ""]

    html = thread_page(buyer.client, thread, "zh-hans")

    with translation.override("zh-hans"):
        until = formats.date_format(timezone.localtime(expired.expires_at), "DATETIME_FORMAT")
    assert f"有效期至 {until}。" in html
    assert "洽谈已关闭。" in html
    assert status_tags(html, expired) == ["已到期"]
    english = thread_page(owner.client, thread, "en")
    assert "The negotiation was closed." in english and "Open until " in english


def test_old_history_rows_keep_their_stored_text(thread: Thread, buyer: Member) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
    OfferEvent.objects.create(offer=offer, from_status="open", to_status="withdrawn",
                              note="The negotiation was closed.")

    assert "The negotiation was closed." in thread_page(buyer.client, thread, "zh-hans")


@pytest.mark.parametrize(("language", "message"), [
    ("en", "This offer was withdrawn. It can no longer be accepted."),
    ("zh-hans", "该报价已撤回。无法再接受该报价。"),
    ("zh-hant", "該報價已撤回。無法再接受該報價。"),
])
def test_refusals_are_whole_sentences_in_each_language(thread: Thread, buyer: Member, owner: Member,
                                                       language: str, message: str) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
    offers.offer_withdraw(offer_id=offer.pk, actor=buyer.user)

    with translation.override(language), pytest.raises(InvalidTransition) as refused:
        offers.offer_accept(offer_id=offer.pk, actor=owner.user)

    assert refused.value.message == message


def test_an_expired_offer_refusal_in_chinese(thread: Thread, buyer: Member, owner: Member) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        offers.offer_counter(offer_id=offer.pk, actor=owner.user, terms=offer_terms())

    assert re.fullmatch(r"该报价已于 .+ 到期。无法再对该报价还价。", refused.value.message), refused.value.message


@pytest.mark.parametrize(("count", "english"), [(1, "sent 1 file."), (2, "sent 2 files.")])
def test_file_counts_agree_in_number(thread: Thread, buyer: Member, count: int, english: str) -> None:
    messages.message_post(thread_id=thread.pk, actor=buyer.user, body="",
                          files=[upload(f"f{n}.pdf", pdf_bytes()) for n in range(count)])

    bodies = [n.body for n in Notification.objects.filter(verb="message.posted")]
    assert bodies and all(body.endswith(english) for body in bodies)


def test_notices_read_in_each_readers_language(thread: Thread, buyer: Member, owner: Member) -> None:
    type(owner.user).objects.filter(pk=owner.user.pk).update(preferred_language="zh-hans")
    with translation.override("en"):  # the buyer acts in English
        offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
        threads.thread_close(thread_id=thread.pk, actor=buyer.user)

    received = Notification.objects.get(verb="offer.received")
    assert (received.title, received.body) == (f"关于“{thread.subject}”的新报价",
                                               f"{buyer.organisation.name} 报价 100,000.00 CNY。")
    closed = Notification.objects.get(verb="thread.closed")
    assert closed.body == f"{buyer.organisation.name} 关闭了洽谈。"
