"""Chunks checked and written together give what a row-by-row import gives: the same
patents, owners, ``asset.changed`` events and per-row error reports."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ipx.accounts.models import Organisation
from ipx.catalog.importing import running
from ipx.catalog.importing.columns import locate_header
from ipx.catalog.importing.numbers import KnownPatents, NumberKey, known_patents
from ipx.catalog.importing.reading import Row, open_sheet
from ipx.catalog.importing.running import (
    PatentImport,
    Progress,
    ProgressCallback,
    RowError,
    _RowRefused,
)
from ipx.catalog.models import AssetOwner, Patent
from ipx.catalog.services import create_asset, update_asset
from ipx.catalog.tests.import_files import HEADERS, application_number, csv_bytes, make_patent, patent_row
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@dataclass
class RowByRowImport(PatentImport):
    """The import as it ran before chunks were written together: each row checked against
    the database and written in a savepoint of its own before the next row is checked, and
    the numbers seen in the file kept in memory."""

    every_number_seen: dict[NumberKey, int] = field(default_factory=dict)

    def _write_chunk(self, chunk: list[Row], on_progress: ProgressCallback | None) -> None:
        refused: list[_RowRefused] = []
        created = updated = 0
        with transaction.atomic():
            rows = [self._prepare(number, cells) for number, cells in chunk]
            known = known_patents((row.office, row.keys) for row in rows)
            for row in rows:
                try:
                    with transaction.atomic():
                        # No owners read ahead: each patent's are read on their own.
                        item = self._check_row(row, known, None, self.every_number_seen, {})
                        if item.existing is None:
                            create_asset(self.organisation, item.new)
                            created += 1
                        else:
                            update_asset(item.existing.asset, item.new)
                            updated += 1
                except _RowRefused as refusal:
                    refused.append(refusal)
        self._count(len(chunk), created, updated, refused, on_progress)


def run_with(kind: type[PatentImport], organisation: Organisation, content: bytes) -> Progress:
    sheet = open_sheet(io.BytesIO(content))
    columns, _header_row, rows = locate_header(sheet.rows)
    return kind(organisation=organisation, columns=columns).run(rows)


def patents() -> list[tuple[object, ...]]:
    """Every patent as stored, with its asset and owners, in number order."""
    return [
        (p.office, p.kind, p.application_number, p.publication_number, p.grant_number, p.filing_date,
         p.publication_date, p.grant_date, p.ipc_main, p.ipc_codes, p.inventors, p.claims,
         p.asset.title, p.asset.title_en, p.asset.abstract, p.asset.legal_status, p.asset.holder_id,
         [(o.name, o.position, o.organisation_id) for o in p.asset.owners.order_by("position")])
        for p in Patent.objects.select_related("asset").order_by("application_number", "publication_number")
    ]


Outcome = tuple[tuple[int, int, int, int], list[RowError], list[tuple[object, ...]], list[tuple[str, str]]]


def outcome(capture: Callable[..., Any], do_import: Callable[[], Progress]) -> tuple[Outcome, int]:
    """What an import leaves behind (the events by the assets they name), and how many events
    it raised; then undone so the next import starts from the same state."""
    savepoint = transaction.savepoint()
    with capture() as callbacks:
        progress = do_import()
    numbers = dict(Patent.objects.values_list("pk", "application_number"))
    events = sorted((hook.args[0], str(numbers[asset_id])) for hook in callbacks
                    for asset_id in hook.args[1]["asset_ids"])
    result = ((progress.processed_rows, progress.created, progress.updated, progress.refused_rows),
              progress.errors, patents(), events)
    transaction.savepoint_rollback(savepoint)
    return result, len(callbacks)


def mixed_file() -> bytes:
    bad_check_character = application_number(11)[:-1] + ("X" if application_number(11)[-1] != "X" else "1")
    return csv_bytes([
        HEADERS,
        patent_row(1, Title="一种改进的锂电池隔膜", **{"Legal status": "有权", "Owners": "甲公司;乙公司"}),
        patent_row(10),
        patent_row(11, **{"Application number": bad_check_character}),
        patent_row(12, **{"IPC codes": "Z99Q"}),
        patent_row(10, Title="重复"),
        patent_row(7, Title="想要占用的专利"),
        patent_row(13, **{"Publication number": "CN113000007A"}),
        patent_row(2, **{"IPC codes": "G06F16/33", "Publication number": "CN113000022A"}),
        patent_row(14, **{"Publication number": "CN113000002A"}),
        patent_row(15, **{"Filing date": "2021-02-30"}),
        patent_row(16, **{"Owners": "丙大学"}),
        patent_row(17, **{"Application number": "", "Publication number": "CN113000017A"}),
        patent_row(18, Title=""),
        patent_row(19),
    ])


@pytest.fixture
def registered(owner: Member, buyer: Member) -> None:
    make_patent(asset__holder=owner.organisation, application_number=application_number(1),
                publication_number="CN113000001A")
    make_patent(asset__holder=owner.organisation, application_number=application_number(2),
                publication_number="CN113000002A")
    make_patent(asset__holder=buyer.organisation, application_number=application_number(7),
                publication_number="CN113000007A", asset__title="对方的专利")


@pytest.mark.parametrize("chunk_rows", [100, 4])
@pytest.mark.usefixtures("registered")
def test_chunks_written_together_leave_what_a_row_by_row_import_leaves(
    owner: Member, chunk_rows: int, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    monkeypatch.setattr(running, "CHUNK_ROWS", chunk_rows)
    content = mixed_file()

    expected, _events = outcome(django_capture_on_commit_callbacks,
                                lambda: run_with(RowByRowImport, owner.organisation, content))
    batched, _events = outcome(django_capture_on_commit_callbacks,
                               lambda: run_with(PatentImport, owner.organisation, content))

    assert batched == expected
    # The file really mixes every case: updates, new rows and each kind of refusal.
    assert expected[0] == (14, 5, 2, 7)
    assert {error.message.split(" ")[0] for error in expected[1]} >= {"The", "Patent", "“Z99Q”"}


def test_a_chunk_raises_one_event_for_its_new_rows_and_one_for_its_updated_rows(
    owner: Member, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The handlers (search, matching, the pages' cache) then work once a chunk, not once a row."""
    monkeypatch.setattr(running, "CHUNK_ROWS", 4)
    first = csv_bytes([HEADERS, *(patent_row(n) for n in range(1, 11))])
    again = csv_bytes([HEADERS, *(patent_row(n, Title=f"改进的专利 {n}") for n in range(1, 8)),
                       *(patent_row(n) for n in range(11, 14))])

    with django_capture_on_commit_callbacks(execute=False) as created:
        run_with(PatentImport, owner.organisation, first)
    with django_capture_on_commit_callbacks(execute=False) as mixed:
        run_with(PatentImport, owner.organisation, again)

    numbers = dict(Patent.objects.values_list("pk", "application_number"))

    def named(callbacks: list[Any]) -> list[list[str]]:
        return [sorted(str(numbers[pk]) for pk in hook.args[1]["asset_ids"]) for hook in callbacks]

    assert [hook.args[0] for hook in created + mixed] == ["asset.changed"] * 7
    assert [len(names) for names in named(created)] == [4, 4, 2]
    # The second file's chunks: 4 updates; 1 new row (written first) and 3 updates; 2 new rows.
    assert [len(names) for names in named(mixed)] == [4, 1, 3, 2]
    assert sorted(name for names in named(created) for name in names) == sorted(
        str(application_number(n)) for n in range(1, 11))


def test_a_number_registered_while_the_chunk_is_checked_refuses_that_row_alone(
    owner: Member, buyer: Member, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_registered_numbers = running._registered_numbers

    def loaded_then_a_form_takes_a_number(known: KnownPatents) -> running._Registered:
        make_patent(asset__holder=buyer.organisation, application_number=application_number(3))
        return real_registered_numbers(known)

    monkeypatch.setattr(running, "_registered_numbers", loaded_then_a_form_takes_a_number)

    progress = run_with(PatentImport, owner.organisation,
                        csv_bytes([HEADERS, patent_row(1), patent_row(2), patent_row(3), patent_row(4)]))

    assert (progress.created, progress.updated, progress.refused_rows) == (3, 0, 1)
    assert progress.errors == [RowError(4, "Application number",
                                        "This patent was registered on IPX while the file was being imported.")]
    assert sorted(str(number) for number in Patent.objects.filter(asset__holder=owner.organisation)
                  .values_list("application_number", flat=True)) == [application_number(n) for n in (1, 2, 4)]


def test_the_queries_of_a_chunk_do_not_grow_with_its_rows(owner: Member) -> None:
    def queries(serials: range) -> int:
        content = csv_bytes([HEADERS, *(patent_row(serial) for serial in serials)])
        with CaptureQueriesContext(connection) as captured:
            run_with(PatentImport, owner.organisation, content)
        return len(captured.captured_queries)

    queries(range(201, 203))  # the IPC tables and the like, loaded once
    small, large = range(1, 11), range(101, 141)
    assert queries(small) == queries(large)  # new patents
    assert queries(small) == queries(large)  # the same again: updates


@pytest.mark.usefixtures("registered")
def test_a_file_without_owners_keeps_each_patents_owners_in_their_order(
    owner: Member, django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # The chunk reads the registered patents' owners together; a row-by-row import reads them per asset.
    asset = Patent.objects.get(application_number=application_number(1)).asset
    AssetOwner.objects.filter(asset=asset).delete()
    AssetOwner.objects.bulk_create([AssetOwner(asset=asset, name=name, position=position)
                                    for position, name in ((1, "乙公司"), (0, "甲公司"), (2, "丙大学"))])
    assert HEADERS[-1] == "Owners"
    content = csv_bytes([HEADERS[:-1], *(row[:-1] for row in (patent_row(1, Title="改名"), patent_row(2),
                                                                patent_row(30)))])

    expected, _events = outcome(django_capture_on_commit_callbacks,
                                lambda: run_with(RowByRowImport, owner.organisation, content))
    batched, _events = outcome(django_capture_on_commit_callbacks,
                               lambda: run_with(PatentImport, owner.organisation, content))

    assert batched == expected
    renamed = next(patent for patent in expected[2] if patent[12] == "改名")
    owners = renamed[-1]
    assert isinstance(owners, list)
    assert [name for name, _position, _organisation in owners] == ["甲公司", "乙公司", "丙大学"]
