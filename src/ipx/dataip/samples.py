"""Checking a data product's sample before it is kept: the content decides, not the name. A
``.csv`` must read as text (UTF-8 or GB18030, the two encodings mainland data comes in) with a
header and at least one row of the same width; a ``.json`` must parse; a ``.jsonl`` must parse
line by line; an ``.xlsx`` must open as a workbook with a row on its first sheet. Samples are
small (the data set itself is fingerprinted, not kept here): the attachment limit applies."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ipx.core.errors import ValidationFailed
from ipx.core.uploads import CheckedFile, max_bytes, sanitise_name, size_label
from ipx.dataip.fingerprints import digest_of

CONTENT_TYPES = {
    ".csv": "text/csv", ".json": "application/json", ".jsonl": "application/jsonl",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPT = ",".join(CONTENT_TYPES)
_CHUNK = 64 * 1024


def _text(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _is_csv(data: bytes) -> bool:
    text = _text(data)
    if text is None or "\x00" in text:
        return False
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if row]
    except csv.Error:
        return False
    return len(rows) >= 2 and len(rows[0]) >= 2 and all(len(row) == len(rows[0]) for row in rows[1:])


def _is_json(data: bytes) -> bool:
    text = _text(data)
    try:
        return text is not None and isinstance(json.loads(text), dict | list)
    except ValueError:
        return False


def _is_jsonl(data: bytes) -> bool:
    text = _text(data)
    lines = [line for line in (text or "").splitlines() if line.strip()]
    try:
        return bool(lines) and all(isinstance(json.loads(line), dict | list) for line in lines)
    except ValueError:
        return False


def _is_xlsx(data: bytes) -> bool:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return False
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        return sheet is not None and next(sheet.iter_rows(max_row=1, values_only=True), None) is not None
    finally:
        workbook.close()


_CHECKS = {".csv": _is_csv, ".json": _is_json, ".jsonl": _is_jsonl, ".xlsx": _is_xlsx}


def check_sample(file: IO[bytes] | Any, *, field: str = "sample") -> CheckedFile:
    clean = sanitise_name(getattr(file, "name", ""))
    shown = clean or _("The file")
    extension = "." + clean.rpartition(".")[2].lower() if "." in clean else ""
    check = _CHECKS.get(extension)
    if check is None:
        raise ValidationFailed.for_field(field, _("%(name)s is not a kind of sample accepted here; upload a CSV, "
                                                  "JSON, JSON Lines or Excel (.xlsx) file.") % {"name": shown})
    limit = max_bytes()
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise ValidationFailed.for_field(field, _("%(name)s is larger than %(limit)s.")
                                         % {"name": shown, "limit": size_label(limit)})
    file.seek(0)
    data = file.read(limit + 1)
    sha256, size = digest_of([data])
    if size == 0:
        raise ValidationFailed.for_field(field, _("%(name)s is empty.") % {"name": shown})
    if size > limit:
        raise ValidationFailed.for_field(field, _("%(name)s is larger than %(limit)s.")
                                         % {"name": shown, "limit": size_label(limit)})
    if not check(data):
        raise ValidationFailed.for_field(field, _("%(name)s is not a readable %(kind)s file.")
                                         % {"name": shown, "kind": extension[1:].upper()})
    return CheckedFile(file=io.BytesIO(data), name=clean, extension=extension,
                       content_type=CONTENT_TYPES[extension], size=size, sha256=sha256)
