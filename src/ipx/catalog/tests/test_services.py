"""Registering and editing IP assets: every identifier checked, nothing half-saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ipx.catalog import services
from ipx.catalog.cleaning import parse_asset
from ipx.catalog.identifiers import patent_check_character
from ipx.catalog.inputs import AssetValues
from ipx.catalog.models import Asset, AssetOwner, Patent
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

PATENT = {
    "title": "一种无人机机载多功能盒",
    "application_number": "CN202223220665.2",
    "publication_number": "CN218751475U",
    "filing_date": "20221202",
    "publication_date": "2023-03-28",
    "grant_date": "2023-03-28",
    "ipc_codes": "B64U20/80;B64U101/30",
    "legal_status": "有权-审定授权",
    "owners": "广州湾区电池科技有限公司;中科大数据研究院",
    "inventors": "刘迪;刘敏",
}


def register(member: Member, ip_type: str = "patent", **data: Any) -> Asset:
    return services.asset_register(organisation_id=member.organisation.pk, actor=member.user,
                                   asset=parse_asset(ip_type, AssetValues.read(data)))


def test_register_a_patent_with_everything_derived(owner: Member) -> None:
    asset = register(owner, **PATENT)
    patent = Patent.objects.get(pk=asset.pk)
    assert (patent.application_number, patent.publication_number) == ("202223220665.2", "CN218751475U")
    assert patent.kind == "utility_model"  # from the kind digit 2 and the U kind code
    assert patent.filing_date == date(2022, 12, 2)
    assert patent.expiry_date == date(2032, 12, 1)
    assert (patent.ipc_main, patent.ipc_codes) == ("B64U20/80", ["B64U20/80", "B64U101/30"])
    assert asset.legal_status == "in_force"
    owners = list(AssetOwner.objects.filter(asset=asset).values_list("name", "organisation_id"))
    assert owners == [("广州湾区电池科技有限公司", owner.organisation.pk), ("中科大数据研究院", None)]
    assert patent.register_url == "https://epub.cnipa.gov.cn/patent/CN218751475U"


@pytest.mark.parametrize(
    ("changes", "field", "message_part"),
    [
        ({"application_number": "202223220665.3"}, "application_number", "check character"),
        ({"kind": "design"}, "application_number", "kind “Utility model”"),
        ({"publication_number": "CN218751475A"}, "publication_number", "kind “Invention”"),
        ({"publication_date": "2022-01-01"}, "publication_date", "before the filing date"),
        ({"filing_date": "2021-12-02"}, "filing_date", "filed in 2022"),
        ({"filing_date": "2099-01-01"}, "filing_date", "future"),
        ({"filing_date": "02/12/2022"}, "filing_date", "YYYY-MM-DD"),
        ({"ipc_codes": "B64U20/80;Q99Z"}, "ipc_codes", "not an IPC code"),
        ({"ipc_codes": "H01Z1/00"}, "ipc_codes", "not in the IPC"),
        ({"legal_status": "alive"}, "legal_status", "not a legal status"),
        ({"title": ""}, "title", "required"),
        ({"application_number": "", "publication_number": ""}, "application_number", "application number"),
    ],
)
def test_bad_patent_fields_are_named_and_nothing_is_saved(owner: Member, changes: dict[str, str], field: str,
                                                          message_part: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        register(owner, **{**PATENT, **changes})
    assert message_part in refused.value.fields[field]
    assert Asset.objects.count() == 0
    assert Patent.objects.count() == 0


def test_duplicate_patents_are_refused(owner: Member, buyer: Member) -> None:
    register(owner, **PATENT)
    with pytest.raises(ValidationFailed) as refused:
        register(buyer, **{**PATENT, "application_number": "202223220665.2"})
    assert "already registered" in refused.value.fields["application_number"]
    assert "already registered" in refused.value.fields["publication_number"]
    assert Asset.objects.count() == 1


def test_foreign_patent_keeps_its_own_format(owner: Member) -> None:
    asset = register(owner, title="Battery separator", office="US", kind="invention",
                     application_number="17/123,456", publication_number="US2022/0123456A1",
                     filing_date="2021-01-05")
    patent = Patent.objects.get(pk=asset.pk)
    assert (patent.office, patent.application_number, patent.expiry_date) == ("US", "17/123,456", date(2041, 1, 4))


def test_trademark_copyright_and_gi(owner: Member) -> None:
    mark = register(owner, "trademark", title="湾区好茶", registration_number="30123456", nice_classes="30;35",
                    registration_date="2019-05-14")
    assert mark.trademark.nice_classes == [30, 35]
    assert mark.expiry_date == date(2029, 5, 13)
    software = register(owner, "copyright", title="IPX 交易系统 V1.0", kind="software",
                        registration_number="2020SR0123456", version="1.0")
    assert software.identifier == "2020SR0123456"
    gi = register(owner, "gi", title="新会陈皮", protected_region="广东省江门市新会区", producer="新会陈皮产业协会")
    assert (gi.gi_product.protected_region, gi.expiry_date) == ("广东省江门市新会区", None)
    with pytest.raises(ValidationFailed) as refused:
        register(owner, "trademark", title="x", registration_number="30123456", nice_classes="0")
    assert set(refused.value.fields) == {"registration_number", "nice_classes"}
    with pytest.raises(ValidationFailed) as refused:
        register(owner, "data", title="x")
    assert "ip_type" in refused.value.fields
    assert Asset.objects.count() == 3


def test_only_members_register_and_edit(owner: Member, outsider: Member) -> None:
    with pytest.raises(PermissionDenied):
        services.asset_register(organisation_id=owner.organisation.pk, actor=outsider.user,
                                asset=parse_asset("patent", AssetValues.read(PATENT)))
    asset = register(owner, **PATENT)
    with pytest.raises(PermissionDenied):
        services.asset_update(asset_id=asset.pk, actor=outsider.user, changes=AssetValues(title="stolen"))
    asset.refresh_from_db()
    assert asset.title == PATENT["title"]


def test_update_keeps_fields_left_out(owner: Member) -> None:
    asset = register(owner, **PATENT)
    services.asset_update(asset_id=asset.pk, actor=owner.user,
                          changes=AssetValues(title="新标题", ipc_codes=("G06F",)))
    patent = Patent.objects.get(pk=asset.pk)
    asset.refresh_from_db()
    assert (asset.title, patent.application_number, patent.ipc_codes) == ("新标题", "202223220665.2", ["G06F"])
    with pytest.raises(ValidationFailed):
        services.asset_update(asset_id=asset.pk, actor=owner.user,
                              changes=AssetValues(application_number="202223220665.9"))
    assert Patent.objects.get(pk=asset.pk).application_number == "202223220665.2"


def test_listed_assets_cannot_be_deleted(owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user)
    asset = listing.assets.get()
    with pytest.raises(Conflict, match="part of a listing"):
        services.asset_delete(asset_id=asset.pk, actor=owner.user)
    assert Asset.objects.filter(pk=asset.pk).exists()
    free = register(owner, **PATENT)
    services.asset_delete(asset_id=free.pk, actor=owner.user)
    assert not Asset.objects.filter(pk=free.pk).exists()


def test_expired_rights_show_as_expired(owner: Member) -> None:
    number = "200010012345." + patent_check_character("200010012345")
    asset = register(owner, title="老专利", application_number=number, filing_date="2000-05-01")
    assert asset.legal_status == "in_force"
    assert asset.effective_status == "expired"


@pytest.mark.parametrize("number", ["CN218751475Y", "cn 218751475y"])
def test_another_kind_code_of_a_registered_patent_is_refused(owner: Member, buyer: Member, number: str) -> None:
    register(owner, **{**PATENT, "application_number": ""})
    with pytest.raises(ValidationFailed) as refused:
        register(buyer, title="同一专利", kind="utility_model", publication_number=number)
    assert "another kind code" in refused.value.fields.get("publication_number", refused.value.message)
    assert Asset.objects.count() == 1


def test_the_grant_of_a_registered_publication_is_refused(owner: Member, buyer: Member) -> None:
    register(owner, title="发明", kind="invention", publication_number="CN114234912A")
    with pytest.raises(ValidationFailed) as refused:
        register(buyer, title="发明", kind="invention", publication_number="CN114234912B")
    assert "another kind code" in refused.value.fields["publication_number"]
    with pytest.raises(ValidationFailed) as refused:
        register(buyer, title="发明", kind="invention", application_number="202110123456." +
                 patent_check_character("202110123456"), grant_number="CN114234912B")
    assert "another kind code" in refused.value.fields["grant_number"]
    assert Asset.objects.count() == 1
    # The owner's own grant is the same patent's, not a clash.
    asset = Asset.objects.get()
    services.asset_update(asset_id=asset.pk, actor=owner.user, changes=AssetValues(grant_number="CN114234912B"))
    assert Patent.objects.get(pk=asset.pk).grant_number == "CN114234912B"


@pytest.mark.parametrize("number", ["CN114234913A", "CN11423491A", "CN14234912A"])
def test_other_serial_numbers_are_other_patents(owner: Member, buyer: Member, number: str) -> None:
    register(owner, title="发明", kind="invention", publication_number="CN114234912A")
    register(buyer, title="另一发明", kind="invention", publication_number=number)
    assert Asset.objects.count() == 2


def test_patents_registered_twice_before_stay_editable(owner: Member) -> None:
    first = register(owner, title="发明", kind="invention", publication_number="CN114234912A")
    second = register(owner, title="发明", kind="invention", publication_number="CN114234913B")
    Patent.objects.filter(pk=second.pk).update(publication_number="CN114234912B")  # as older rows may be
    services.asset_update(asset_id=second.pk, actor=owner.user, changes=AssetValues(abstract="摘要"))
    with pytest.raises(ValidationFailed):
        services.asset_update(asset_id=first.pk, actor=owner.user, changes=AssetValues(grant_number="CN114234912C"))
