"""Importing patent rows: good rows land, bad rows are reported, re-imports update."""

from __future__ import annotations

import io
from datetime import date

import pytest

from ipx.catalog.importing import running
from ipx.catalog.importing.reading import RowUnreadable, open_sheet
from ipx.catalog.importing.running import MAX_REPORTED, Progress, RowError, import_patents
from ipx.catalog.models import Asset, AssetOwner, Patent
from ipx.catalog.tests.import_files import (
    HEADERS,
    application_number,
    cnipa_rows,
    csv_bytes,
    damaged_sheet,
    make_patent,
    patent_row,
    registered_numbers,
    xlsx_bytes,
)
from ipx.listings.models import Listing, ListingAsset
from ipx.testing.factories import ListingFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def run(member: Member, content: bytes) -> Progress:
    return import_patents(open_sheet(io.BytesIO(content)), member.organisation)


def counts(progress: Progress) -> tuple[int, int, int, int]:
    return progress.processed_rows, progress.created, progress.updated, progress.refused_rows


def test_the_real_cnipa_records_import_with_every_field(owner: Member) -> None:
    progress = run(owner, csv_bytes(cnipa_rows()))

    assert counts(progress) == (10, 10, 0, 0)
    assert progress.errors == []
    assert Patent.objects.filter(asset__holder=owner.organisation).count() == 10
    inspection = Patent.objects.select_related("asset").get(application_number="202121635235.X")
    assert (inspection.office, inspection.kind) == ("CN", "utility_model")
    assert (inspection.publication_number, inspection.grant_number) == ("CN217546176U", "CN217546176U")
    assert (inspection.filing_date, inspection.publication_date, inspection.grant_date) == (
        date(2021, 7, 15), date(2022, 10, 4), date(2022, 10, 4))
    assert inspection.ipc_main == "H04N7/18"
    assert inspection.ipc_codes[:3] == ["H04N7/18", "G07C1/20", "B64C39/02"]
    assert inspection.inventors == "郭晓东;王煜炜;王元卓;刘敏;付艳波"
    assert inspection.asset.title == "无人机巡检系统"
    assert inspection.asset.legal_status == Asset.LegalStatus.IN_FORCE
    assert inspection.asset.abstract.startswith("本申请提供一种无人机巡检系统。")
    assert inspection.claims.startswith("1.")
    assert [o.name for o in AssetOwner.objects.filter(asset=inspection.asset)] == ["中科大数据研究院"]

    # Codes from an older IPC edition, as on the granted patent.
    camera = Patent.objects.get(application_number="202122975192.6")
    assert camera.ipc_codes == ["H04N5/225", "H04N5/232", "H04N5/76", "H02J7/00"]
    # 授权公告日 "0" means "not granted yet"; 审中 means pending.
    pending = Patent.objects.select_related("asset").get(application_number="202211740332.4")
    assert (pending.kind, pending.grant_number, pending.grant_date) == ("invention", None, None)
    assert pending.asset.legal_status == Asset.LegalStatus.PENDING
    # 专利类型 "发明公开;发明授权": an invention, published then granted.
    granted = Patent.objects.get(application_number="202211359874.7")
    assert (granted.kind, granted.publication_number, granted.grant_number, granted.grant_date) == (
        "invention", "CN115883397A", "CN115883397B", date(2024, 4, 5))


def test_bad_rows_are_reported_with_row_column_and_message_while_good_rows_land(owner: Member) -> None:
    content = csv_bytes([
        HEADERS,
        patent_row(1),
        patent_row(2, **{"Application number": "202110000002.1"}),
        patent_row(3, **{"Filing date": "2021-02-30", "IPC codes": "Z99Q"}),
        patent_row(4, Title=""),
        patent_row(5),
    ])

    progress = run(owner, content)

    assert counts(progress) == (5, 2, 0, 3)
    assert progress.errors == [
        RowError(3, "Application number", "The check character of “202110000002.1” is wrong (1, the digits "
                                          "give 0); check the number for a typing error."),
        RowError(4, "Filing date", "“2021-02-30” is not a date; write it as YYYY-MM-DD."),
        RowError(4, "IPC codes", "“Z99Q” is not an IPC code; expected e.g. H04L, H04L29/06 or G06F16/33."),
        RowError(5, "Title", "Title is required."),
    ]
    assert registered_numbers() == [
        application_number(1), application_number(5)]
    assert Asset.objects.count() == 2


def test_importing_again_updates_instead_of_duplicating(owner: Member) -> None:
    first = run(owner, csv_bytes([HEADERS, patent_row(1), patent_row(2)]))
    ids = sorted(Patent.objects.values_list("pk", flat=True))

    second = run(owner, csv_bytes([
        HEADERS,
        patent_row(1, Title="一种改进的锂电池隔膜", **{"Legal status": "有权"}),
        patent_row(2),
        patent_row(3),
    ]))

    assert counts(first) == (2, 2, 0, 0)
    assert counts(second) == (3, 1, 2, 0)
    assert Patent.objects.count() == 3
    assert sorted(Patent.objects.values_list("pk", flat=True))[:2] == ids
    renamed = Asset.objects.get(patent__application_number=application_number(1))
    assert (renamed.title, renamed.legal_status) == ("一种改进的锂电池隔膜", Asset.LegalStatus.IN_FORCE)


def test_a_reimport_without_some_columns_keeps_their_values(owner: Member) -> None:
    run(owner, csv_bytes(cnipa_rows()))
    progress = run(owner, csv_bytes([["申请号", "专利名称"], ["CN202121635235.X", "无人机巡检系统（改进）"]]))

    assert counts(progress) == (1, 0, 1, 0)
    patent = Patent.objects.select_related("asset").get(application_number="202121635235.X")
    assert patent.asset.title == "无人机巡检系统（改进）"
    assert (patent.ipc_main, patent.grant_number, patent.inventors) == (
        "H04N7/18", "CN217546176U", "郭晓东;王煜炜;王元卓;刘敏;付艳波")
    assert [o.name for o in patent.asset.owners.all()] == ["中科大数据研究院"]


def test_rows_keyed_by_publication_number_when_there_is_no_application_number(owner: Member) -> None:
    rows = [["公开号", "专利名称", "专利类型"], ["CN114081026A", "一种水电站高压输电线路驱鸟保护装置", "发明"]]
    assert counts(run(owner, csv_bytes(rows))) == (1, 1, 0, 0)
    rows[1][1] = "一种驱鸟保护装置"
    assert counts(run(owner, csv_bytes(rows))) == (1, 0, 1, 0)
    assert list(Asset.objects.values_list("title", flat=True)) == ["一种驱鸟保护装置"]


def test_another_organisations_patent_is_refused_and_left_alone(owner: Member, buyer: Member) -> None:
    theirs = make_patent(asset__holder=buyer.organisation, application_number=application_number(7),
                           publication_number="CN113000007A", asset__title="对方的专利")

    progress = run(owner, csv_bytes([
        HEADERS,
        patent_row(7, Title="想要占用的专利"),
        patent_row(8, **{"Publication number": "CN113000007A"}),
        patent_row(9),
    ]))

    assert counts(progress) == (3, 1, 0, 2)
    assert progress.errors == [
        RowError(2, "Application number",
                 f"Patent {application_number(7)} is already registered by another organisation."),
        RowError(3, "Publication number", "Patent CN113000007A is already registered by another organisation."),
    ]
    theirs.refresh_from_db()
    theirs.asset.refresh_from_db()
    assert (theirs.asset.holder_id, theirs.asset.title) == (buyer.organisation.pk, "对方的专利")
    assert list(Patent.objects.filter(asset__holder=owner.organisation)
                .values_list("application_number", flat=True)) == [application_number(9)]


@pytest.mark.parametrize("chunk_rows", [100, 1, 2])
def test_the_second_row_with_the_same_number_is_an_error(owner: Member, chunk_rows: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Across chunks, the numbers seen before come from the import's record of them.
    monkeypatch.setattr(running, "CHUNK_ROWS", chunk_rows)
    progress = run(owner, csv_bytes([
        HEADERS,
        patent_row(1),
        patent_row(2),
        patent_row(1, Title="重复"),
        patent_row(3, **{"Application number": "CN" + application_number(2)}),
    ]))

    assert counts(progress) == (4, 2, 0, 2)
    assert progress.errors == [
        RowError(4, "Application number", "The same patent is on row 2 of this file; each patent may appear once."),
        RowError(5, "Application number", "The same patent is on row 3 of this file; each patent may appear once."),
    ]
    assert Asset.objects.filter(title="重复").count() == 0


def test_xlsx_cells_of_any_type_are_read(owner: Member) -> None:
    rows: list[list[object]] = [
        ["申请号", "专利名称", "申请日", "授权公告日", "分类号", "法律状态"],
        [application_number(1), "日期单元格", date(2021, 3, 1), None, "H01M10/0525(2010.01)", "有权"],
        [application_number(2), "数字单元格", 20210301, 0, "H01M", "审中"],
    ]
    progress = run(owner, xlsx_bytes(rows))

    assert counts(progress) == (2, 2, 0, 0)
    first, second = Patent.objects.order_by("application_number")
    assert (first.filing_date, first.grant_date, first.ipc_codes) == (date(2021, 3, 1), None, ["H01M10/0525"])
    assert (second.filing_date, second.grant_date, second.ipc_codes) == (date(2021, 3, 1), None, ["H01M"])


def test_gbk_csv_from_excel_on_chinese_windows(owner: Member) -> None:
    rows = cnipa_rows()
    content = csv_bytes([rows[0][:20], *[row[:20] for row in rows[1:4]]], encoding="gbk")

    assert counts(run(owner, content)) == (3, 3, 0, 0)
    assert Asset.objects.get(patent__application_number="202223220665.2").title == "一种无人机机载多功能盒"


def test_progress_is_reported_after_every_chunk(owner: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(running, "CHUNK_ROWS", 100)
    content = csv_bytes([HEADERS, *[patent_row(n) for n in range(1, 251)]])
    seen: list[tuple[int, int]] = []

    progress = import_patents(open_sheet(io.BytesIO(content)), owner.organisation,
                              on_progress=lambda p: seen.append((p.processed_rows, p.total_rows)))

    assert seen == [(100, 250), (200, 250), (250, 250)]
    assert counts(progress) == (250, 250, 0, 0)


def test_the_report_is_capped(owner: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ipx.catalog.importing.running.MAX_REPORTED", 3)
    progress = run(owner, csv_bytes([HEADERS, *[patent_row(n, Title="") for n in range(1, 6)]]))

    assert MAX_REPORTED == 5_000
    assert counts(progress) == (5, 0, 0, 5)
    assert [error.row for error in progress.errors] == [2, 3, 4]
    assert progress.errors_omitted == 2


def test_a_damaged_row_stops_the_import_and_keeps_the_rows_before_it(owner: Member,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(running, "CHUNK_ROWS", 100)
    seen: list[int] = []

    with pytest.raises(RowUnreadable, match=r"Row 153 of the workbook cannot be read"):
        import_patents(damaged_sheet(151), owner.organisation, on_progress=lambda p: seen.append(p.created))

    assert seen == [100, 151]
    assert Patent.objects.count() == 151


def test_a_reimport_does_not_change_what_a_listing_holds(owner: Member) -> None:
    # As the asset's form (test_commitments): a listed right keeps its title and legal status;
    # its descriptive columns (the IPC codes here) may still improve.
    run(owner, csv_bytes([HEADERS, patent_row(1), patent_row(2)]))
    listed = Asset.objects.get(patent__application_number=application_number(1))
    listing = ListingFactory.create(organisation=owner.organisation, created_by=owner.user,
                                    status=Listing.Status.PUBLISHED)
    ListingAsset.objects.create(listing=listing, asset=listed)

    progress = run(owner, csv_bytes([
        HEADERS,
        patent_row(1, Title="换了一个标题", **{"Legal status": "lapsed"}),
        patent_row(2, Title="未挂牌的可以改"),
    ]))

    assert counts(progress) == (2, 0, 1, 1)
    assert {(error.row, error.column) for error in progress.errors} == {(2, "Title"), (2, "Legal status")}
    assert all(f"#{listing.pk}" in error.message for error in progress.errors)
    listed.refresh_from_db()
    assert (listed.title, listed.legal_status) == ("一种锂电池隔膜及其制备方法1", Asset.LegalStatus.PENDING)
    assert Asset.objects.get(patent__application_number=application_number(2)).title == "未挂牌的可以改"

    described = run(owner, csv_bytes([HEADERS, patent_row(1, **{"IPC codes": "H01M50/40"})]))
    assert counts(described) == (1, 0, 1, 0)
    assert Patent.objects.get(pk=listed.pk).ipc_codes == ["H01M50/40"]
