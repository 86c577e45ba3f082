"""Check and write the rows of a patent inventory.

Each row is read into ``AssetValues`` and checked by the same parser as a form
(``parse_asset``, or ``parse_asset_change`` for a patent registered already); a bad row is
reported and never undoes the others. Rows are checked and committed in chunks of
``CHUNK_ROWS``: the numbers a chunk names are loaded in one query, its good rows written
together (a row at a time only when a write clashes); after each chunk the caller hears the
progress.

A row updates the organisation's patent with the same application number (or, without one,
publication number) in the same office, so importing a file again updates instead of
duplicating. A patent held by another organisation is never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation
from ipx.catalog.cleaning import SAME_APPLICATION, RegisteredNumbers, parse_asset, parse_asset_change
from ipx.catalog.commitments import refuse_held_changes
from ipx.catalog.identifiers import cn_publication_serial
from ipx.catalog.importing.columns import NUMBER_FIELDS, ColumnMap, locate_header
from ipx.catalog.importing.numbers import (
    KnownPatents,
    NumberKey,
    SeenNumbers,
    first_number_field,
    known_patents,
    number_keys,
    owner_names,
)
from ipx.catalog.importing.reading import (
    Format,
    Row,
    Sheet,
    SpreadsheetRefused,
    check_size,
    open_sheet,
)
from ipx.catalog.inputs import AssetInput, AssetValues
from ipx.catalog.models import Asset, Patent
from ipx.catalog.services import create_asset, create_assets, update_asset, update_assets
from ipx.core.errors import ApplicationError

# Each chunk pays a commit, its numbers' and owners' queries, the follow-up handlers' queries
# and a progress save: at 100 rows these were a fifth of a re-import on PostgreSQL. 500 rows
# keep a chunk's locks held for a fraction of a second and its rows in a few hundred KB.
CHUNK_ROWS = 500
# The report keeps this many entries; the rest are counted, so a file of garbage cannot
# make a job row of many megabytes.
MAX_REPORTED = 5_000


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Progress:
    total_rows: int = 0
    processed_rows: int = 0
    created: int = 0
    updated: int = 0
    refused_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0

    def report(self, row_errors: list[RowError]) -> None:
        room = max(0, MAX_REPORTED - len(self.errors))
        self.errors.extend(row_errors[:room])
        self.errors_omitted += max(0, len(row_errors) - room)


ProgressCallback = Callable[[Progress], None]
# Told, inside a chunk's transaction, the ids of the assets the chunk wrote.
WrittenCallback = Callable[[list[int]], None]


@dataclass
class _Written:
    """What a chunk's write did."""

    created: int
    updated: int
    asset_ids: list[int]


class _RowRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors[0].message if errors else "")
        self.errors = errors
        self.row = errors[0].row if errors else 0


@dataclass
class PatentImport:
    """One pass over a sheet's rows for ``organisation``."""

    organisation: Organisation
    columns: ColumnMap
    progress: Progress = field(default_factory=Progress)
    on_written: WrittenCallback | None = None
    # Numbers seen so far in this file → the row that had them.
    _seen: SeenNumbers = field(default_factory=SeenNumbers)

    def run(self, rows: Iterator[Row], on_progress: ProgressCallback | None = None) -> Progress:
        try:
            self._run(rows, on_progress)
        finally:
            self._seen.close()
        # The file's own row count may include trailing empty rows; now the count is known.
        self.progress.total_rows = self.progress.processed_rows
        return self.progress

    def _run(self, rows: Iterator[Row], on_progress: ProgressCallback | None) -> None:
        chunk: list[Row] = []
        try:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= CHUNK_ROWS:
                    self._write_chunk(chunk, on_progress)
                    chunk = []
        except SpreadsheetRefused:
            # A damaged row further down: keep what was read before it, then say where.
            if chunk:
                self._write_chunk(chunk, on_progress)
            raise
        if chunk:
            self._write_chunk(chunk, on_progress)

    def _write_chunk(self, chunk: list[Row], on_progress: ProgressCallback | None) -> None:
        refused: list[_RowRefused] = []
        # One transaction per chunk keeps SQLite and PostgreSQL fast. Every row is checked
        # first, against the numbers the chunk names (loaded in one query) and the rows before
        # it; the good rows are then written together.
        with transaction.atomic():
            rows = [self._prepare(number, cells) for number, cells in chunk]
            known = known_patents((row.office, row.keys) for row in rows)
            registered = _registered_numbers(known)
            owners = owner_names(known.values())
            # The chunk's numbers that rows before it had, then its own as they are checked.
            seen = self._seen.rows_of(key for row in rows for key in row.number_keys())
            checked: list[_Checked] = []
            for row in rows:
                try:
                    checked.append(self._check_row(row, known, registered, seen, owners))
                except _RowRefused as refusal:
                    refused.append(refusal)
            self._seen.add(seen)
            written = self._write(checked, refused)
            if written.asset_ids and self.on_written is not None:
                self.on_written(written.asset_ids)
        self._count(len(chunk), written.created, written.updated, refused, on_progress)

    def _count(self, rows: int, created: int, updated: int, refused: list[_RowRefused],
               on_progress: ProgressCallback | None) -> None:
        progress = self.progress
        progress.processed_rows += rows
        progress.total_rows = max(progress.total_rows, progress.processed_rows)
        progress.created += created
        progress.updated += updated
        progress.refused_rows += len(refused)
        for row_refused in sorted(refused, key=lambda r: r.row):
            progress.report(row_refused.errors)
        if on_progress is not None:
            on_progress(progress)

    def _prepare(self, number: int, cells: Sequence[object]) -> _Row:
        data = self.columns.values(cells)
        office = str(data.get("office") or "CN").strip().upper()
        return _Row(number=number, data=data, office=office, keys=number_keys(office, data))

    def _refuse(self, row: int, field_name: str, message: str) -> _RowRefused:
        return _RowRefused([RowError(row, self.columns.column_of(field_name), message)])

    def _check_row(self, row: _Row, known: KnownPatents, registered: _Registered | None,
                   seen: dict[NumberKey, int], owners: Mapping[int, list[str]]) -> _Checked:
        """The row checked as a form would check it, against ``registered`` (else the
        database), which then holds its numbers, so the rows after it see them as a
        row-by-row import would. ``owners``: the known patents' owners by asset, read
        together (an asset left out has its owners read on its own)."""
        self._check_not_seen(row, seen)
        existing = self._existing(row, known)
        values = AssetValues.read(row.data)
        lookup = _lookup(registered) if registered is not None else None
        try:
            if existing is None:
                new = parse_asset(Asset.Type.PATENT, values, registered=lookup)
            else:
                # Columns the file lacks keep their values.
                new = parse_asset_change(existing.asset, values, registered=lookup,
                                         owners=owners.get(existing.asset_id))
                # As the asset's form: what a pledge, listing, offer or deal holds stays
                # (``commitments``); the row is refused, its descriptive columns with it.
                refuse_held_changes(existing.asset, new, owners.get(existing.asset_id))
        except ApplicationError as exc:
            raise _RowRefused([
                RowError(row.number, self.columns.column_of(name) if name != "__all__" else "", message)
                for name, message in (exc.fields or {"__all__": exc.message}).items()
            ]) from None
        if registered is not None:
            _register(registered, row, existing, new)
        return _Checked(row=row, existing=existing, new=new)

    def _write(self, checked: list[_Checked], refused: list[_RowRefused]) -> _Written:
        """Writes the checked rows."""
        new = [item.new for item in checked if item.existing is None]
        changed = [(item.existing.asset, item.new) for item in checked if item.existing is not None]
        try:
            with transaction.atomic():
                created_assets = create_assets(self.organisation, new)
                updated_assets = update_assets(changed)
            return _Written(len(new), len(changed), [a.pk for a in (*created_assets, *updated_assets)])
        except IntegrityError:
            pass
        # Another import or a form registered one of the numbers since the checks ran: each
        # row in a savepoint of its own, so that row alone is refused.
        written = _Written(0, 0, [])
        for item in checked:
            try:
                with transaction.atomic():
                    if item.existing is None:
                        asset = create_asset(self.organisation, item.new)
                        written.created += 1
                    else:
                        asset = update_asset(item.existing.asset, item.new)
                        written.updated += 1
                written.asset_ids.append(asset.pk)
            except IntegrityError:
                refused.append(self._refuse(
                    item.row.number,
                    first_number_field(item.row.keys),
                    _("This patent was registered on IPX while the file was being imported."),
                ))
        return written

    def _check_not_seen(self, row: _Row, seen: dict[NumberKey, int]) -> None:
        earlier = next(((key[0], seen[key]) for key in row.number_keys() if key in seen), None)
        for key in row.number_keys():
            seen.setdefault(key, row.number)
        if earlier is not None:
            name, first_row = earlier
            raise self._refuse(
                row.number,
                name,
                _("The same patent is on row %(row)d of this file; each patent may appear once.")
                % {"row": first_row},
            )

    def _existing(self, row: _Row, known: KnownPatents) -> Patent | None:
        """The organisation's patent this row is about, or None for a new one."""
        found: dict[str, Patent] = {}
        for name, value in row.keys.items():
            patent = known.get((name, row.office, value))
            if patent is None:
                continue
            if patent.asset.holder_id != self.organisation.pk:
                raise self._refuse(
                    row.number,
                    name,
                    _("Patent %(number)s is already registered by another organisation.")
                    % {"number": value},
                )
            patent.asset.holder = self.organisation
            found[name] = patent
        if "application_number" in found:
            return found["application_number"]
        by_publication = found.get("publication_number")
        # The same publication number under another application number is a different
        # patent record; the checks name the clash.
        if by_publication is not None and by_publication.application_number in (
            None,
            row.keys.get("application_number"),
        ):
            return by_publication
        return None


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    data: dict[str, object]
    office: str
    keys: dict[str, str]

    def number_keys(self) -> list[NumberKey]:
        return [(name, self.office, value) for name, value in self.keys.items()]


@dataclass(frozen=True, slots=True)
class _Checked:
    row: _Row
    existing: Patent | None
    new: AssetInput


# (number field, office, number) → who holds it: a patent's key, or a row of this chunk.
_Registered = dict[tuple[str, str, str], object]


def _registered_numbers(known: KnownPatents) -> _Registered:
    registered: _Registered = {key: patent.pk for key, patent in known.items()}
    for patent in known.values():
        for key in _serial_keys(patent.office, patent):
            registered[key] = patent.pk
    return registered


def _serial_keys(office: str, patent: object) -> list[NumberKey]:
    """The CN serials of a patent's (or a checked row's) publication and grant numbers."""
    if office != "CN":
        return []
    serials = {cn_publication_serial(getattr(patent, name, None)) for name in ("publication_number", "grant_number")}
    return [(SAME_APPLICATION, "CN", serial) for serial in serials if serial]


def _register(registered: _Registered, row: _Row, existing: Patent | None, new: AssetInput) -> None:
    """A checked row's numbers are taken from here on, in place of the patent's old ones."""
    holder: object = ("row", row.number) if existing is None else existing.pk
    if existing is not None:
        for name in NUMBER_FIELDS:
            registered.pop((name, existing.office, getattr(existing, name) or ""), None)
        for key in _serial_keys(existing.office, existing):
            registered.pop(key, None)
    for name in NUMBER_FIELDS:
        number = getattr(new.detail, name, None)
        if number:
            registered[(name, row.office, number)] = holder
    for key in _serial_keys(row.office, new.detail):
        registered[key] = holder


def _lookup(registered: _Registered) -> RegisteredNumbers:
    def holder(field_name: str, office: str, number: str) -> object:
        return registered.get((field_name, office, number))

    return holder


def import_patents(
    sheet: Sheet,
    organisation: Organisation,
    *,
    on_progress: ProgressCallback | None = None,
    on_start: ProgressCallback | None = None,
    on_written: WrittenCallback | None = None,
) -> Progress:
    """Import every row below the header; raises SpreadsheetRefused when the file as a whole
    cannot be read (missing columns, a damaged workbook)."""
    try:
        columns, header_row, rows = locate_header(sheet.rows)
        job = PatentImport(organisation=organisation, columns=columns, on_written=on_written)
        last_row = sheet.count_rows()
        if last_row is not None:
            job.progress.total_rows = max(0, last_row - header_row)
        if on_start is not None:
            on_start(job.progress)
        return job.run(rows, on_progress)
    finally:
        sheet.close()


def check_patent_file(file: IO[bytes], *, size: int) -> Format:
    """Refuse now what would fail the whole import later: the wrong size or type, a damaged
    file, missing columns, no rows below the header. Returns the format."""
    check_size(size)
    sheet = open_sheet(file)
    try:
        _columns, _header_row, rows = locate_header(sheet.rows)
        if next(rows, None) is None:
            raise SpreadsheetRefused(
                _("The file has a header row but no patents below it."), code="empty_file"
            )
    finally:
        sheet.close()
        file.seek(0)
    return sheet.format
