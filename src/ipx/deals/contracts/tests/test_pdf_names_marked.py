"""In the contract's page that WeasyPrint prints, people's text in another language or script
than the contract's (a Traditional name in a Simplified contract, an English name beside a
Chinese one) carries its ``lang``: WeasyPrint picks the glyphs and the line breaking by it."""

from __future__ import annotations

import pytest

from ipx.accounts.models import Organisation
from ipx.deals.contracts.pdf import contract_html
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

TRADITIONAL = "香港灣區專利科技有限公司"
ENGLISH = "Guangzhou Bay Battery Technology Co., Ltd."


def test_names_in_another_script_carry_their_language_in_a_chinese_contract(owner: Member, buyer: Member) -> None:
    for member in (owner, buyer):
        member.user.preferred_language = "zh-hans"
        member.user.save()
    Organisation.objects.filter(pk=buyer.organisation.pk).update(name=TRADITIONAL)
    Organisation.objects.filter(pk=owner.organisation.pk).update(name_en=ENGLISH)
    deal = make_deal(owner, buyer)

    html = contract_html(deal)

    assert '<html lang="zh-hans">' in html
    # The buyer's Traditional name, in the parties and in the signatures.
    assert html.count(f'<span lang="zh-Hant" dir="auto">{TRADITIONAL}</span>') == 2
    # The seller's Simplified name reads as the contract does; its English name is marked.
    assert (f'<span dir="auto">{owner.organisation.name}</span> / <span lang="en" dir="auto">{ENGLISH}</span>'
            in html)
    asset = deal.assets.get()
    assert f'<span dir="auto">{asset.title}</span>' in html  # in the contract's own script


def test_chinese_names_carry_their_language_in_an_english_contract(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)  # both prefer English

    html = contract_html(deal)

    assert '<html lang="en">' in html
    assert f'<span lang="zh-Hans" dir="auto">{owner.organisation.name}</span>' in html
    assert f'<span lang="zh-Hans" dir="auto">{buyer.organisation.name}</span>' in html
