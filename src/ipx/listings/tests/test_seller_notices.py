"""The seller hears of the exchange's steps on its listing: approved, sent back with the
operator's note, taken down by an operator, off the market by the clock; not of its own steps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset
from ipx.listings import services
from ipx.listings.models import Listing
from ipx.listings.tests.helpers import published, submitted
from ipx.notifications.models import Notification
from ipx.notifications.services import render
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db(transaction=True)  # the mails go out on commit


def notices(member: Member) -> list[tuple[str, str, str]]:
    return [(n.verb, *render(n.verb, n.params or {}))
            for n in Notification.objects.filter(user=member.user).order_by("pk")]


def test_approval_and_rejection_reach_the_seller_with_the_operators_note(owner: Member, operator: User) -> None:
    sent_back = submitted(owner, operator)
    services.listing_reject(listing_id=sent_back.pk, operator=operator, reason="请写明许可地域")
    approved = submitted(owner, operator)
    services.listing_approve(listing_id=approved.pk, operator=operator, note="资料齐全")
    assert notices(owner) == [
        ("listing.rejected", f"Your listing “{sent_back.title}” needs changes", "请写明许可地域"),
        ("listing.approved", f"Your listing “{approved.title}” is on the market",
         "Buyers can now find it, ask about it and make offers.\n\n资料齐全"),
    ]
    assert Notification.objects.filter(user=operator).count() == 0
    assert [message.to for message in mail.outbox] == [[owner.user.email], [owner.user.email]]
    assert mail.outbox[1].subject == f"Your listing “{approved.title}” is on the market"


def test_an_operators_take_down_is_told_the_sellers_own_withdrawal_is_not(owner: Member, operator: User) -> None:
    mine = published(owner, operator)
    Notification.objects.all().delete()
    services.listing_withdraw(listing_id=mine.pk, actor=owner.user, reason="已与买方签约")
    assert notices(owner) == []
    taken = published(owner, operator)
    services.listing_withdraw(listing_id=taken.pk, actor=operator, reason="专利权已被宣告无效")
    assert notices(owner)[-1] == ("listing.taken_down",
                                  f"The exchange took your listing “{taken.title}” off the market",
                                  "专利权已被宣告无效")


def test_the_clock_tells_the_seller_why_the_listing_came_off_the_market(owner: Member, operator: User) -> None:
    ended_offer, ended_right = published(owner, operator), published(owner, operator)
    Listing.objects.filter(pk=ended_offer.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    Asset.objects.filter(listing_links__listing=ended_right).update(legal_status=Asset.LegalStatus.LAPSED)
    right = Asset.objects.get(listing_links__listing=ended_right)
    Notification.objects.all().delete()
    assert services.listings_expire_due() == 2
    assert notices(owner) == [
        ("listing.expired", f"Your listing “{ended_offer.title}” came off the market",
         f"Its offer period ended on {timezone.localdate() - timedelta(days=1)}. Reopen it, check it and submit "
         "it again to offer it once more."),
        ("listing.expired", f"Your listing “{ended_right.title}” came off the market",
         f"“{right.title}” is no longer in force (Lapsed): the listing came off the market."),
    ]
