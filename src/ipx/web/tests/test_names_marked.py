"""People's names on the pages the parties read most (a negotiation, a deal, a statement, the
auction pages) are marked with their language and script, so an English page reads a Chinese
organisation's name with a Chinese voice."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ipx.testing.access_world import build_access_world
from ipx.testing.second_factor import signed_in

pytestmark = pytest.mark.django_db

HOME = "广州湾区电池科技有限公司"  # Simplified characters (区, 电): zh-Hans
COUNTERPARTY = "佛山新能源汽车有限公司"


def test_names_in_a_negotiation_a_deal_and_a_statement_are_marked_on_an_english_page(client: Client) -> None:
    world = build_access_world()
    admin = world.user("admin")
    assert admin is not None
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    thread = client.get(f"/negotiations/{world.selling.pk}/").content.decode()
    assert f'<dd lang="zh-Hans" dir="auto">{HOME}</dd>' in thread  # the seller
    assert f'<dd lang="zh-Hans" dir="auto">{COUNTERPARTY}</dd>' in thread  # the buyer
    assert f'<span lang="zh-Hans" dir="auto">{COUNTERPARTY}</span>' in thread  # a message's organisation

    deal = client.get(f"/deals/{world.sold.pk}/").content.decode()
    assert f'<td data-label="Organisation" lang="zh-Hans" dir="auto">{HOME}</td>' in deal
    assert 'Signed by <span dir="auto">Ada Admin</span>' in deal  # a signer, in the page's language

    statement = client.get(f"/ledger/{world.home.pk}/").content.decode()
    assert f'<h1>Money of <span lang="zh-Hans" dir="auto">{HOME}</span></h1>' in statement


def test_names_and_titles_on_the_auction_pages_are_marked_on_an_english_page(client: Client) -> None:
    world = build_access_world()
    auctions = world.auctions
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    live_title, lot_title = auctions.live.title, auctions.open_lot.listing.title
    assert live_title == "湾区知识产权拍卖会（进行中）"

    listed = client.get("/auctions/").content.decode()
    assert f'lang="zh-Hans" dir="auto">{live_title}</a>' in listed  # the link itself is marked

    admin = world.user("admin")
    assert admin is not None
    client.force_login(admin)
    session = client.get(f"/auctions/{auctions.live.pk}/").content.decode()
    assert f'<h1 lang="zh-Hans" dir="auto">{live_title}</h1>' in session
    assert f'lang="zh-Hans" dir="auto">{lot_title}</a></td>' in session  # a lot's listing
    assert f'<span lang="zh-Hans" dir="auto">{HOME}</span> is admitted with bidder number' in session

    hall = client.get(f"/auctions/lots/{auctions.open_lot.pk}/").content.decode()
    assert f'lang="zh-Hans" dir="auto">{live_title}</a></p>' in hall  # back to the session
    assert f'lang="zh-Hans" dir="auto">{lot_title}</a></h1>' in hall

    operator = signed_in(world.operator)  # past the second factor operators must pass
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    announced = operator.get(f"/auctions/{auctions.announced.pk}/").content.decode()
    assert f'<td data-label="Bidder" lang="zh-Hans" dir="auto">{COUNTERPARTY}</td>' in announced  # an applicant

    results = operator.get(f"/auctions/{auctions.finished.pk}/results/").content.decode()
    assert f'<h1 lang="zh-Hans" dir="auto">{auctions.finished.title}</h1>' in results
    assert f'lang="zh-Hans" dir="auto">{auctions.sold_lot.listing.title}</td>' in results
