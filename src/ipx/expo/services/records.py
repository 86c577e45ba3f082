"""Records from outside the platform: saved one by one (back-office, API) or imported from a
CSV file, each row on its own: good rows land, bad rows are reported by row and column.

Whatever changes, ``expo.records.changed`` is published once the transaction commits, with
the editions and days touched, so the bulletin's rollups follow.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User

# The patent import's row errors and report cap: one shape of per-row report for every import.
from ipx.catalog.importing.running import MAX_REPORTED, RowError
from ipx.core.errors import NotFound, ValidationFailed
from ipx.events import publish
from ipx.expo.inputs import COLUMNS, RecordInput, RowProblems, parse_record
from ipx.expo.models import Edition, ExpoRecord
from ipx.expo.selectors import RECORDS_CHANGED

# What the platform counts by itself, as its ledger names it (deal:12, auction-lot:3, loan:7),
# and the records the expo makes of its signing ceremonies (signing:5): an import naming one
# would count it twice.
PLATFORM_REF = re.compile(r"\b(deal|auction-lot|loan|signing):(\d+)\b")
WRITE_CHUNK = 1_000

@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0

    def refuse(self, row: int, problems: list[tuple[str, str]]) -> None:
        self.refused += 1
        for column, message in problems:
            if len(self.errors) < MAX_REPORTED:
                self.errors.append(RowError(row, column, message))
            else:
                self.errors_omitted += 1


def changed(records: Iterable[tuple[int, date]]) -> None:
    """Tell the bulletin (after commit) which editions and days changed."""
    pairs = set(records)
    if pairs:
        publish(RECORDS_CHANGED, edition_ids=sorted({e for e, _d in pairs}),
                dates=sorted({d.isoformat() for _e, d in pairs}))


def _platform_problem(record: RecordInput) -> tuple[str, str] | None:
    for column, text in (("ref", record.ref), ("evidence", record.evidence)):
        found = PLATFORM_REF.search(text)
        if found:
            return column, _("%(ref)s is concluded on the platform and counted from there; "
                             "it cannot also be recorded here.") % {"ref": found.group(0)}
    return None


def _edition_problems(record: RecordInput, edition: Edition | None) -> list[tuple[str, str]]:
    if edition is None:
        return [("edition", _("No expo edition is called “%(slug)s”.") % {"slug": record.edition})]
    if not edition.start_date <= record.date <= edition.end_date:
        return [("date", _("%(date)s is outside %(edition)s (%(start)s to %(end)s).") % {
            "date": record.date.isoformat(), "edition": edition.slug,
            "start": edition.start_date.isoformat(), "end": edition.end_date.isoformat()})]
    return []


def _apply(target: ExpoRecord, record: RecordInput, edition: Edition, actor: User | None) -> None:
    target.edition = edition
    target.date = record.date
    target.kind = record.kind
    target.ip_type = record.ip_type
    target.amount = record.amount
    target.currency = record.currency
    target.fx_rate_to_cny = record.fx_rate_to_cny
    target.amount_cny = record.amount_cny
    target.items = record.items
    target.start_price = record.start_price
    target.sold = record.sold
    target.evidence = record.evidence
    target.recorded_by = actor


FIELDS = ["edition", "date", "kind", "ip_type", "amount", "currency", "fx_rate_to_cny", "amount_cny", "items",
          "start_price", "sold", "evidence", "recorded_by", "updated_at"]


@transaction.atomic
def record_save(*, record: RecordInput, actor: User | None) -> ExpoRecord:
    """Create the record ``record.ref``, or update it if it exists (never a second one)."""
    problems: list[tuple[str, str]] = []
    platform = _platform_problem(record)
    if platform:
        problems.append(platform)
    edition = Edition.objects.filter(slug=record.edition).first()
    problems += _edition_problems(record, edition)
    if problems or edition is None:
        raise ValidationFailed(problems[0][1], fields=dict(problems))
    existing = ExpoRecord.objects.select_for_update().filter(ref=record.ref).first()
    touched = [(existing.edition_id, existing.date)] if existing else []
    target = existing or ExpoRecord(ref=record.ref)
    _apply(target, record, edition, actor)
    try:
        target.full_clean(exclude=["ref", "edition", "recorded_by", "signing"], validate_unique=False)
    except DjangoValidationError as invalid:  # the model's own limits, said as the API's 400
        fields = {name: " ".join(str(message) for message in messages)
                  for name, messages in invalid.message_dict.items()}
        raise ValidationFailed(next(iter(fields.values())), fields=fields) from None
    target.save()
    changed([*touched, (edition.pk, record.date)])
    return target


@transaction.atomic
def record_delete(*, ref: str) -> None:
    record = ExpoRecord.objects.select_for_update().filter(ref=ref, signing__isnull=True).first()
    if record is None:
        raise NotFound(_("No record has the reference “%(ref)s”.") % {"ref": ref})
    touched = (record.edition_id, record.date)
    record.delete()
    changed([touched])


# --- The import file -------------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK (read as GB18030, its superset)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed.for_field(
            "file", _("The file is neither UTF-8 nor GBK text; save it as CSV in one of them.")) from None


def read_rows(data: bytes) -> Iterator[tuple[int, dict[str, str], bool]]:
    """The rows of a records CSV (numbered as a spreadsheet shows them: the header is row 1),
    each with its cells by column and whether it has more cells than the header."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    repeated = [name for name, n in Counter(header).items() if n > 1]
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        if repeated:
            parts.append(_("columns given twice: %(names)s") % {"names": ", ".join(repeated)})
        raise ValidationFailed.for_field("file", _("Row 1 (the header): %(problems)s. The columns are: "
                                                   "%(columns)s.") % {"problems": "; ".join(parts),
                                                                      "columns": ", ".join(COLUMNS)})
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        yield number, dict(zip(header, cells, strict=False)), len(cells) > len(header)


def import_records(data: bytes, *, actor: User | None) -> ImportReport:
    """Import a records CSV; refuses the file as a whole only when its header is wrong."""
    report = ImportReport()
    parsed: list[tuple[int, RecordInput]] = []
    for number, cells, too_long in read_rows(data):
        report.rows += 1
        if too_long:
            report.refuse(number, [("", _("The row has more cells than the header has columns."))])
            continue
        try:
            parsed.append((number, parse_record(cells)))
        except RowProblems as exc:
            report.refuse(number, exc.problems)
    rows_of = Counter(record.ref for _n, record in parsed)
    first_row: dict[str, int] = {}
    for number, record in parsed:
        first_row.setdefault(record.ref, number)
    good: list[tuple[int, RecordInput]] = []
    for number, record in parsed:
        if rows_of[record.ref] > 1:
            report.refuse(number, [("ref", _("The reference %(ref)s is in the file more than once "
                                             "(first in row %(row)d); which one holds cannot be told.")
                                    % {"ref": record.ref, "row": first_row[record.ref]})])
        else:
            good.append((number, record))
    _write(good, report, actor)
    return report


@transaction.atomic
def _write(rows: list[tuple[int, RecordInput]], report: ImportReport, actor: User | None) -> None:
    editions = {e.slug: e for e in Edition.objects.filter(slug__in={r.edition for _n, r in rows})}
    touched: list[tuple[int, date]] = []
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start:start + WRITE_CHUNK]
        existing = {r.ref: r for r in ExpoRecord.objects.select_for_update().filter(
            ref__in=[record.ref for _n, record in chunk])}
        creating: list[ExpoRecord] = []
        updating: list[ExpoRecord] = []
        for number, record in chunk:
            edition = editions.get(record.edition)
            problems = _edition_problems(record, edition)
            platform = _platform_problem(record)
            if platform:
                problems.insert(0, platform)
            before = existing.get(record.ref)
            if before is not None and before.signing_id is not None:
                problems.append(("ref", _("%(ref)s is the record of a signing ceremony; change it there.")
                                 % {"ref": record.ref}))
            if problems or edition is None:
                report.refuse(number, problems)
                continue
            if before is not None:
                touched.append((before.edition_id, before.date))
                _apply(before, record, edition, actor)
                updating.append(before)
            else:
                target = ExpoRecord(ref=record.ref)
                _apply(target, record, edition, actor)
                creating.append(target)
            touched.append((edition.pk, record.date))
        ExpoRecord.objects.bulk_create(creating)
        if updating:
            now = timezone.now()
            for target in updating:
                target.updated_at = now
            ExpoRecord.objects.bulk_update(updating, FIELDS)
        report.created += len(creating)
        report.updated += len(updating)
    changed(touched)
