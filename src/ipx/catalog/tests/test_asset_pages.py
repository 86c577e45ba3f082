"""The members' catalog pages: list, register each IP type, edit, delete."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from ipx.catalog.models import Asset, AssetOwner, Copyright, GIProduct, Patent, Trademark
from ipx.catalog.tests.import_files import (
    application_number,
    make_patent,
    make_trademark,
)
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NEW = reverse("catalog:asset_new")


def post_new(member: Member, ip_type: str, data: dict[str, Any], query: str = "") -> Any:
    return member.client.post(f"{NEW}?type={ip_type}{query}", data)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_new_asset_page_offers_every_type(owner: Member) -> None:
    response = owner.client.get(NEW)

    html = response.content.decode()
    assert response.status_code == 200
    for link in ('href="?type=patent"', 'href="?type=trademark"', 'href="?type=copyright&amp;kind=software"',
                 'href="?type=copyright&amp;kind=work"', 'href="?type=gi"'):
        assert link in html
    assert owner.client.get(f"{NEW}?type=copyright&kind=work").context["form"]["kind"].value() == "work"


def test_register_a_patent(owner: Member) -> None:
    response = post_new(owner, "patent", {
        "title": "一种无人机巡检系统", "office": "CN", "kind": "", "application_number": "CN202121635235.X",
        "publication_number": "CN217546176U", "filing_date": "2021-07-15", "grant_date": "2022-10-04",
        "ipc_codes": "H04N7/18; G07C1/20", "legal_status": "in_force", "owners": "", "inventors": "郭晓东",
        "abstract": "巡检", "claims": "1. 一种无人机巡检系统",
    })

    patent = Patent.objects.select_related("asset").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:asset", args=[patent.pk])
    assert (patent.asset.holder, patent.asset.title, patent.kind, patent.application_number) == (
        owner.organisation, "一种无人机巡检系统", "utility_model", "202121635235.X")
    assert (patent.filing_date, patent.grant_date, patent.ipc_main, patent.ipc_codes) == (
        date(2021, 7, 15), date(2022, 10, 4), "H04N7/18", ["H04N7/18", "G07C1/20"])
    assert list(AssetOwner.objects.values_list("name", flat=True)) == [owner.organisation.name]


def test_register_a_trademark_copyrights_and_a_gi_product(owner: Member) -> None:
    common = {"legal_status": "in_force", "owners": "", "abstract": "", "title_en": ""}
    responses = [
        post_new(owner, "trademark", common | {"title": "湾区好茶", "registration_number": "12345678",
                                               "nice_classes": "30, 35", "registration_date": "2019-05-14"}),
        post_new(owner, "copyright", common | {"title": "IPX 交易系统", "kind": "software",
                                               "registration_number": "2020SR0123456", "version": "V1.0"}),
        post_new(owner, "copyright", common | {"title": "湾区地图", "kind": "work",
                                               "registration_number": "国作登字-2021-F-00012345"}),
        post_new(owner, "gi", common | {"title": "新会陈皮", "protected_region": "广东省江门市新会区",
                                        "producer": "新会陈皮行业协会", "category": "农产品"}),
    ]

    assert [r.status_code for r in responses] == [302, 302, 302, 302]
    trademark = Trademark.objects.get()
    assert (trademark.registration_number, trademark.nice_classes, trademark.registration_date) == (
        "12345678", [30, 35], date(2019, 5, 14))
    assert sorted(Copyright.objects.values_list("kind", "registration_number", "version")) == [
        ("software", "2020SR0123456", "V1.0"), ("work", "国作登字-2021-F-00012345", "")]
    assert GIProduct.objects.get().protected_region == "广东省江门市新会区"
    assert sorted(Asset.objects.values_list("ip_type", flat=True)) == ["copyright", "copyright", "gi", "trademark"]
    assert set(Asset.objects.values_list("holder", flat=True)) == {owner.organisation.pk}


def test_a_refused_registration_shows_on_the_fields_and_saves_nothing(owner: Member) -> None:
    response = post_new(owner, "patent", {"title": "", "office": "CN", "application_number": "202121635235.1",
                                          "legal_status": "in_force"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "title": ["Title is required."],
        "kind": ["Give the kind: invention, utility model or design."],
        "application_number": ["The check character of “202121635235.1” is wrong (1, the digits give X); "
                               "check the number for a typing error."],
    }
    assert Asset.objects.count() == 0


def test_editing_an_asset(owner: Member) -> None:
    patent = make_patent(asset__holder=owner.organisation, application_number=application_number(5))
    url = reverse("catalog:asset_edit", args=[patent.pk])

    form = owner.client.get(url).context["form"]
    assert (form["application_number"].value(), form["ipc_codes"].value(), form["filing_date"].value()) == (
        application_number(5), "H01M; H01M50/40", "2021-03-01")
    data = {name: form[name].value() or "" for name in form.fields}
    response = owner.client.post(url, data | {"title": "改进的锂电池隔膜", "ipc_codes": "H01M50/40; H01M"})

    assert response.status_code == 302
    patent.refresh_from_db()
    patent.asset.refresh_from_db()
    assert (patent.asset.title, patent.ipc_main, patent.ipc_codes) == (
        "改进的锂电池隔膜", "H01M50/40", ["H01M50/40", "H01M"])
    assert patent.application_number == application_number(5)


def test_a_refused_edit_changes_nothing(owner: Member) -> None:
    trademark = make_trademark(asset__holder=owner.organisation)
    number = trademark.registration_number
    url = reverse("catalog:asset_edit", args=[trademark.pk])

    response = owner.client.post(url, {"title": "湾区好茶", "registration_number": "TM-12", "nice_classes": "46",
                                       "legal_status": "in_force"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"registration_number", "nice_classes"}
    trademark.refresh_from_db()
    assert (trademark.registration_number, trademark.nice_classes) == (number, [30, 35])


def test_an_outsider_cannot_edit(owner: Member, outsider: Member) -> None:
    patent = make_patent(asset__holder=owner.organisation, asset__title="原标题")
    url = reverse("catalog:asset_edit", args=[patent.pk])

    assert outsider.client.get(url).status_code == 403
    response = outsider.client.post(url, {"title": "被改了", "legal_status": "in_force"})

    assert response.status_code == 403
    assert Asset.objects.get(pk=patent.pk).title == "原标题"
    page = outsider.client.get(reverse("catalog:asset", args=[patent.pk])).content.decode()
    assert reverse("catalog:asset_edit", args=[patent.pk]) not in page
    assert Client().get(url).status_code == 302  # to the login page


def test_deleting_an_asset_in_a_listing_is_refused_with_a_message(owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user)
    asset = listing.assets.get()

    response = owner.client.post(reverse("catalog:asset_delete", args=[asset.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:asset", args=[asset.pk])
    assert messages_of(response) == ["This asset is part of a listing; withdraw or edit the listing first."]
    assert Asset.objects.filter(pk=asset.pk).exists()
    assert Patent.objects.filter(pk=asset.pk).exists()


def test_deleting_an_unlisted_asset(owner: Member, outsider: Member) -> None:
    patent = make_patent(asset__holder=owner.organisation)
    url = reverse("catalog:asset_delete", args=[patent.pk])

    assert outsider.client.post(url).status_code == 403
    assert Asset.objects.filter(pk=patent.pk).exists()
    assert owner.client.get(url).status_code == 405

    response = owner.client.post(url)

    assert (response.status_code, response["Location"]) == (302, reverse("catalog:assets"))
    assert not Asset.objects.filter(pk=patent.pk).exists()


def test_the_asset_list_filters_searches_and_pages(owner: Member, buyer: Member) -> None:
    for n in range(1, 24):
        make_patent(asset__holder=owner.organisation, asset__title=f"锂电池专利{n:02d}",
                      application_number=application_number(n))
    make_trademark(asset__holder=owner.organisation, asset__title="湾区好茶")
    make_patent(asset__holder=buyer.organisation, asset__title="别人的专利")
    url = reverse("catalog:assets")

    first = owner.client.get(url)
    assert first.context["total"] == 24
    assert len(first.context["items"]) == 20
    assert first.context["pages"] == 2
    assert len(owner.client.get(url, {"page": 2}).context["items"]) == 4
    assert [a.title for a in owner.client.get(url, {"type": "trademark"}).context["items"]] == ["湾区好茶"]
    by_number = owner.client.get(url, {"q": application_number(7)})
    assert [a.title for a in by_number.context["items"]] == ["锂电池专利07"]
    fragment = owner.client.get(url, {"q": "专利2"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html
    assert "4 assets" in html  # 20, 21, 22, 23
    assert f'href="{reverse("listings:new")}?asset=' in html
    assert "别人的专利" not in owner.client.get(url, {"q": "专利"}).content.decode()
