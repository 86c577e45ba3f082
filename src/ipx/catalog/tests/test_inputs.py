"""Assets as typed inputs: what forms, the API and the import give is read into
``AssetValues`` without judging it, and ``cleaning`` parses it once into an ``AssetInput``,
naming every bad field at once. Pages, the API and the import reach the same parser."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ipx.catalog import services
from ipx.catalog.choice_words import parse_legal_status, parse_patent_kind
from ipx.catalog.cleaning import current_values, parse_asset, parse_asset_change
from ipx.catalog.importing.reading import open_sheet
from ipx.catalog.importing.running import import_patents
from ipx.catalog.inputs import (
    AssetInput,
    AssetValues,
    CopyrightInput,
    GIProductInput,
    PatentInput,
    TrademarkInput,
)
from ipx.catalog.models import Asset, AssetOwner, Patent
from ipx.catalog.tests.import_files import HEADERS, application_number, csv_bytes, make_trademark, patent_row
from ipx.core.errors import ValidationFailed
from ipx.core.inputs import UNSET
from ipx.testing.fixtures import Member

PATENT: dict[str, object] = {
    "title": "一种无人机机载多功能盒",
    "application_number": "CN202223220665.2",
    "publication_number": "CN218751475U",
    "filing_date": "20221202",
    "publication_date": "2023-03-28",
    "grant_date": date(2023, 3, 28),
    "ipc_codes": "B64U20/80;B64U101/30",
    "legal_status": "有权-审定授权",
    "owners": "广州湾区电池科技有限公司;Acme Co., Ltd.",
    "inventors": "刘迪;刘敏",
}


def snapshot(asset_id: int) -> dict[str, Any]:
    asset = Asset.objects.get(pk=asset_id)
    return current_values(asset) | {"updated_at": asset.updated_at}


# --- Reading what was given ------------------------------------------------------------------

def test_values_are_read_into_plain_types_without_judging_them() -> None:
    values = AssetValues.read(PATENT | {"nice_classes": [9, 35], "claims": None, "unknown": "ignored"})

    assert values.given() == {
        "title": "一种无人机机载多功能盒", "legal_status": "有权-审定授权",
        "owners": ("广州湾区电池科技有限公司", "Acme Co., Ltd."),  # names keep their commas
        "application_number": "CN202223220665.2", "publication_number": "CN218751475U",
        "filing_date": "20221202", "publication_date": "2023-03-28", "grant_date": date(2023, 3, 28),
        "ipc_codes": ("B64U20/80", "B64U101/30"), "inventors": "刘迪;刘敏", "claims": "",
        "nice_classes": (9, 35),
    }
    assert (values.office, values.abstract) == (UNSET, UNSET)
    # Anything but class numbers stays text, for the parser to name.
    assert AssetValues.read({"nice_classes": ["9", "x"]}).nice_classes == "9; x"
    assert AssetValues.read({"nice_classes": "9, 35"}).nice_classes == "9, 35"


# --- One parser ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_patent_is_parsed_into_its_typed_input() -> None:
    parsed = parse_asset("patent", AssetValues.read(PATENT))

    assert parsed == AssetInput(
        title="一种无人机机载多功能盒", legal_status="in_force",
        owners=("广州湾区电池科技有限公司", "Acme Co., Ltd."),
        detail=PatentInput(
            office="CN", kind="utility_model", application_number="202223220665.2",
            publication_number="CN218751475U", filing_date=date(2022, 12, 2), publication_date=date(2023, 3, 28),
            grant_date=date(2023, 3, 28), ipc_main="B64U20/80", ipc_codes=("B64U20/80", "B64U101/30"),
            inventors="刘迪;刘敏",
        ),
    )
    assert parsed.ip_type == "patent"
    assert parsed.detail_columns()["ipc_codes"] == ["B64U20/80", "B64U101/30"]


@pytest.mark.django_db
def test_the_other_types_are_parsed_into_theirs() -> None:
    def parse(ip_type: str, **given: object) -> Any:
        return parse_asset(ip_type, AssetValues.read(given)).detail

    assert parse("trademark", title="湾区好茶", registration_number="TM 30123456", nice_classes="35;30;35",
                 registration_date="2019-05-14") == TrademarkInput(
        registration_number="30123456", nice_classes=(30, 35), registration_date=date(2019, 5, 14))
    assert parse("copyright", title="IPX", kind="software", registration_number="2020sr0123456") == CopyrightInput(
        kind="software", registration_number="2020SR0123456")
    assert parse("gi", title="新会陈皮", protected_region="江门市新会区", producer="协会") == GIProductInput(
        protected_region="江门市新会区", producer="协会")


@pytest.mark.django_db
def test_every_bad_field_is_named_at_once_with_a_number_registered_already(owner: Member) -> None:
    registered = parse_asset("patent", AssetValues.read(PATENT))
    services.create_asset(owner.organisation, registered)

    with pytest.raises(ValidationFailed) as refused:
        parse_asset("patent", AssetValues.read(PATENT | {"title": "", "legal_status": "alive",
                                                         "grant_date": "02/12/2022", "ipc_codes": "Q99Z"}))

    assert refused.value.fields == {
        "title": "Title is required.",
        "legal_status": "“alive” is not a legal status; use one of pending, in_force, lapsed, expired, "
                        "invalidated, withdrawn.",
        "grant_date": "“02/12/2022” is not a date; write it as YYYY-MM-DD.",
        "ipc_codes": "“Q99Z” is not an IPC code; expected e.g. H04L, H04L29/06 or G06F16/33.",
        "application_number": "Patent 202223220665.2 is already registered on IPX.",
        "publication_number": "Patent CN218751475U is already registered on IPX.",
    }
    assert refused.value.message == "Please correct the fields marked below."
    assert Asset.objects.count() == 1


@pytest.mark.django_db
def test_an_edit_is_checked_as_a_whole_and_keeps_what_it_leaves_out(owner: Member) -> None:
    asset = services.create_asset(owner.organisation, parse_asset("patent", AssetValues.read(PATENT)))

    # Its own numbers are no clash; new codes without a main one make the first main.
    edited = parse_asset_change(asset, AssetValues(title="新标题", ipc_codes=("G06F", "B64U20/80")))

    assert edited.title == "新标题"
    assert edited.owners == ("广州湾区电池科技有限公司", "Acme Co., Ltd.")
    assert isinstance(edited.detail, PatentInput)
    assert (edited.detail.application_number, edited.detail.filing_date) == ("202223220665.2", date(2022, 12, 2))
    assert (edited.detail.ipc_main, edited.detail.ipc_codes) == ("G06F", ("G06F", "B64U20/80"))
    # The kind the number implies still holds against the kind an edit gives.
    with pytest.raises(ValidationFailed) as refused:
        parse_asset_change(asset, AssetValues(kind="design"))
    assert set(refused.value.fields) == {"application_number", "publication_number"}


@pytest.mark.django_db
def test_a_refused_edit_changes_nothing(owner: Member) -> None:
    asset = services.create_asset(owner.organisation, parse_asset("patent", AssetValues.read(PATENT)))
    before = snapshot(asset.pk)

    with pytest.raises(ValidationFailed) as refused:
        services.asset_update(asset_id=asset.pk, actor=owner.user,
                              changes=AssetValues(title="新标题", filing_date="2099-01-01", owners=()))

    assert refused.value.fields == {"filing_date": "Filing date cannot be in the future."}
    assert snapshot(asset.pk) == before


# --- The adapters reach the same parser ------------------------------------------------------

def test_the_page_form_gives_typed_days_and_lists(owner: Member) -> None:
    url = f"{reverse('catalog:asset_new')}?type=patent"
    fields = {"title": "一种无人机机载多功能盒", "office": "CN", "kind": "", "legal_status": "in_force",
              "application_number": "202223220665.2", "filing_date": "2022-12-02",
              "ipc_codes": "B64U20/80, B64U101/30", "owners": "Acme Co., Ltd.; 中科大数据研究院"}

    refused = owner.client.post(url, fields | {"filing_date": "02/12/2022"})

    assert refused.status_code == 400
    assert refused.context["form"].errors == {"filing_date": ["“02/12/2022” is not a date; write it as YYYY-MM-DD."]}
    assert refused.context["form"]["filing_date"].value() == "02/12/2022"
    assert Asset.objects.count() == 0

    response = owner.client.post(url, fields)

    patent = Patent.objects.get()
    assert response.status_code == 302
    assert (patent.filing_date, patent.ipc_main, patent.ipc_codes) == (
        date(2022, 12, 2), "B64U20/80", ["B64U20/80", "B64U101/30"])
    assert list(AssetOwner.objects.values_list("name", flat=True)) == ["Acme Co., Ltd.", "中科大数据研究院"]


def test_the_api_patches_only_what_it_gives_and_names_every_bad_field(owner: Member) -> None:
    trademark = make_trademark(asset__holder=owner.organisation, asset__title="湾区好茶",
                               registration_number="30123456")
    client = Client()
    client.force_login(owner.user)

    def patch(body: dict[str, object]) -> tuple[int, Any]:
        response = client.patch(f"/api/v1/assets/{trademark.pk}", data=json.dumps(body),
                                content_type="application/json")
        return response.status_code, response.json()

    before = snapshot(trademark.pk)
    status, body = patch({"title": "", "goods_services": "茶叶", "registration_date": "2099-01-01"})

    assert status == 400
    assert body["error"]["fields"] == {
        "title": "Title is required.",
        "registration_date": "Registration date cannot be in the future.",
    }
    # What the document states of a field is judged first, for every asset's type alike.
    status, body = patch({"title": "", "nice_classes": [46]})
    assert (status, body["error"]["fields"]) == (400, {
        "nice_classes": "“46” is not a Nice class; classes are numbered 1 to 45."})
    assert snapshot(trademark.pk) == before

    status, body = patch({"nice_classes": [35, 9], "renewed_until": "2031-05-13"})

    assert (status, body["title"], body["trademark"]["nice_classes"], body["trademark"]["renewed_until"]) == (
        200, "湾区好茶", [9, 35], "2031-05-13")
    assert body["trademark"]["registration_number"] == "30123456"


def test_an_imported_row_is_parsed_like_an_edit(owner: Member) -> None:
    """A row for a patent the organisation has is an edit: columns the file has replace the
    values, and IPC codes without a main-code column make the first code main, as on the
    page and in the API."""
    import_patents(open_sheet(io.BytesIO(csv_bytes([HEADERS, patent_row(1)]))), owner.organisation)
    Patent.objects.update(ipc_main="H01M50/40", ipc_codes=["H01M50/40", "H01M10/0525"])

    progress = import_patents(open_sheet(io.BytesIO(csv_bytes([
        HEADERS, patent_row(1, **{"IPC codes": "H01M10/0525; H01M4/131"})]))), owner.organisation)

    patent = Patent.objects.get()
    assert (progress.updated, progress.errors) == (1, [])
    assert (patent.application_number, patent.ipc_main, patent.ipc_codes) == (
        application_number(1), "H01M10/0525", ["H01M10/0525", "H01M4/131"])


@pytest.mark.parametrize(("language", "status", "kind"), [
    ("en", "in force", "utility model"), ("zh-hans", "审查中", "实用新型"), ("zh-hant", "被宣告無效", "外觀設計"),
])
def test_statuses_and_kinds_are_read_by_their_labels_in_the_language_in_use(language: str, status: str,
                                                                            kind: str) -> None:
    expected = {"en": ("in_force", "utility_model"), "zh-hans": ("pending", "utility_model"),
                "zh-hant": ("invalidated", "design")}[language]
    with translation.override(language):
        assert (parse_legal_status(status), parse_patent_kind(kind)) == expected
        # Another language's label is no label here, unless it is CNIPA's own word.
        other = "Application pending" if language != "en" else "审查中"
        assert parse_legal_status(other) == ""
    assert parse_legal_status("有权-审定授权") == "in_force"
