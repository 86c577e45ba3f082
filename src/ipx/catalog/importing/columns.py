"""Which column holds which patent field: our headers (English, Chinese or both in one cell,
as in the template) and the headers of CNIPA's exports.

Headers are compared after Unicode NFKC folding (full-width brackets become ASCII), without
case, spaces, underscores, dots or the ``*`` marking required columns. Unknown columns are
ignored. When a file has several columns for one field (a CNIPA export has 申请人 and
当前权利人), the alias listed first wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.catalog.importing.reading import Row, SpreadsheetRefused


@dataclass(frozen=True)
class Column:
    field: str
    english: str
    chinese: str
    label: str | Promise  # how the report names the field when the file has no column for it
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def template_header(self) -> str:
        return f"{self.chinese} {self.english}{' *' if self.required else ''}"


# In template order. ``english`` and ``chinese`` are the template's headers; ``aliases`` are
# the other names found in CNIPA exports and in inventories people keep.
PATENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "application_number",
        "Application number",
        "申请号",
        gettext_lazy("Application number"),
        ("application no", "application_number", "专利申请号", "申请号/专利号"),
    ),
    Column(
        "publication_number",
        "Publication number",
        "公开号",
        gettext_lazy("Publication number"),
        ("publication no", "publication_number", "公开(公告)号", "公开公告号", "公布号"),
    ),
    Column(
        "grant_number",
        "Grant number",
        "授权公告号",
        gettext_lazy("Grant number"),
        ("grant no", "grant_number", "授权号"),
    ),
    Column(
        "title",
        "Title",
        "专利名称",
        gettext_lazy("Title"),
        ("title_zh", "名称", "发明名称", "发明创造名称", "标题"),
        required=True,
    ),
    Column(
        "title_en",
        "Title in English",
        "英文名称",
        gettext_lazy("Title in English"),
        ("english title", "title_en", "英文标题"),
    ),
    Column("kind", "Kind", "专利类型", gettext_lazy("Kind"), ("patent type", "type", "类型")),
    Column("office", "Office", "受理局", gettext_lazy("Patent office"), ("patent office",)),
    Column(
        "filing_date",
        "Filing date",
        "申请日",
        gettext_lazy("Filing date"),
        ("application date", "filing_date"),
    ),
    Column(
        "publication_date",
        "Publication date",
        "公开日",
        gettext_lazy("Publication date"),
        ("publication_date", "公开(公告)日", "公布日"),
    ),
    Column(
        "grant_date",
        "Grant date",
        "授权公告日",
        gettext_lazy("Grant date"),
        ("grant_date", "授权日"),
    ),
    Column(
        "owners",
        "Owners",
        "专利权人",
        gettext_lazy("Owners"),
        (
            "applicants / owners",
            "patentee",
            "当前权利人",
            "申请(专利权)人",
            "权利人",
            "applicants",
            "applicant",
            "申请人",
        ),
    ),
    Column(
        "inventors",
        "Inventors",
        "发明人",
        gettext_lazy("Inventors"),
        ("发明(设计)人", "设计人", "当前发明人"),
    ),
    Column(
        "ipc_main",
        "Main IPC",
        "主分类号",
        gettext_lazy("Main IPC"),
        ("ipc_main", "ipc主分类号", "主分类"),
    ),
    Column(
        "ipc_codes",
        "IPC codes",
        "分类号",
        gettext_lazy("IPC codes"),
        ("ipc", "ipc_codes", "ipc分类号", "国际专利分类号", "ipc分类"),
    ),
    Column(
        "legal_status",
        "Legal status",
        "法律状态",
        gettext_lazy("Legal status"),
        ("legal_status", "当前法律状态"),
    ),
    Column("abstract", "Abstract", "摘要", gettext_lazy("Abstract"), ("申请摘要",)),
    Column(
        "claims",
        "Claims",
        "主权项",
        gettext_lazy("Claims"),
        ("权利要求", "权利要求书", "独立权利要求"),
    ),
)
COLUMNS_BY_FIELD = {column.field: column for column in PATENT_COLUMNS}
NUMBER_FIELDS = ("application_number", "publication_number")

# Cells exports fill in for "none": CNIPA writes 0 for a grant date that does not exist yet.
_EMPTY_MARKERS = frozenset({"0", "-", "--", "—", "/", "无", "n/a", "na", "null", "none"})
_TEXT_FIELDS = frozenset({"title", "title_en", "abstract", "claims", "owners", "inventors"})
_DATE_FIELDS = frozenset({"filing_date", "publication_date", "grant_date"})
# IPC codes in some exports carry the edition: "G06F16/33(2019.01)".
_IPC_EDITION = re.compile(r"\(\d{4}\.\d{2}\)")
_HEADER_ROWS_SEARCHED = 10


def normalise_header(text: object) -> str:
    folded = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "").casefold()
    return re.sub(r"[\s_.*:]+", "", folded)


def _alias_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for column in PATENT_COLUMNS:
        names = (column.chinese, column.english, column.field, *column.aliases)
        for rank, name in enumerate(names):
            table.setdefault(normalise_header(name), (column.field, rank))
    return table


_ALIASES = _alias_table()
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z]+?)\s*(?P<en>[A-Za-z].*)$")


def match_header(text: object) -> tuple[str, int] | None:
    """The field a header names and how strongly (0 is the template's own name)."""
    found = _ALIASES.get(normalise_header(text))
    if found is not None:
        return found
    # The template writes both languages in one cell: "申请号 Application number".
    parts = _BILINGUAL.match(unicodedata.normalize("NFKC", str(text or "")).strip())
    if parts:
        for part in (parts["zh"], parts["en"]):
            found = _ALIASES.get(normalise_header(part))
            if found is not None:
                return found
    return None


@dataclass
class ColumnMap:
    """Where each field is in the file, and what the file calls it."""

    positions: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_header(cls, cells: Sequence[object]) -> ColumnMap:
        best: dict[str, tuple[int, int]] = {}
        for position, cell in enumerate(cells):
            found = match_header(cell)
            if found is None:
                continue
            name, rank = found
            if name not in best or rank < best[name][0]:
                best[name] = (rank, position)
        mapping = cls()
        for name, (_rank, position) in best.items():
            mapping.positions[name] = position
            mapping.headers[name] = str(cells[position]).strip()
        return mapping

    def missing(self) -> list[str]:
        missing = []
        if "title" not in self.positions:
            missing.append(_("a title (专利名称 or Title)"))
        if not any(name in self.positions for name in NUMBER_FIELDS):
            missing.append(
                _(
                    "an application number (申请号 or Application number) or a publication number "
                    "(公开号 or Publication number)"
                )
            )
        return missing

    def column_of(self, field_name: str) -> str:
        """The header the user knows a field by: as in the file, else our template's."""
        if field_name in self.headers:
            return self.headers[field_name]
        column = COLUMNS_BY_FIELD.get(field_name)
        return str(column.label) if column is not None else ""

    def values(self, cells: Sequence[object]) -> dict[str, object]:
        """The row's values by field, for the fields the file has."""
        data: dict[str, object] = {}
        for name, position in self.positions.items():
            raw = cells[position] if position < len(cells) else None
            data[name] = _cell_value(name, raw)
        return data


def _cell_value(name: str, raw: object) -> object:
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.date() if name in _DATE_FIELDS else raw.date().isoformat()
    if isinstance(raw, date):
        return raw if name in _DATE_FIELDS else raw.isoformat()
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number typed into a cell: 20221202.0 is the date 20221202
    text = str(raw).strip()
    if name not in _TEXT_FIELDS and text.casefold() in _EMPTY_MARKERS:
        return ""
    if name in ("ipc_codes", "ipc_main"):
        text = _IPC_EDITION.sub("", text)
    return text


def locate_header(rows: Iterator[Row]) -> tuple[ColumnMap, int, Iterator[Row]]:
    """The header row (the first of the first rows that names the required columns, else
    the first row), its number and the rows below it."""
    seen: list[Row] = []
    for row in rows:
        seen.append(row)
        mapping = ColumnMap.from_header(row[1])
        if not mapping.missing():
            return mapping, row[0], rows
        if len(seen) >= _HEADER_ROWS_SEARCHED:
            break
    if not seen:
        raise SpreadsheetRefused(_("The file has no rows."), code="empty_file")
    first_number, first_cells = seen[0]
    mapping = ColumnMap.from_header(first_cells)
    raise SpreadsheetRefused(
        _(
            "Row %(row)d, the header, lacks columns for %(missing)s. Use the template's headers "
            "or a CNIPA export."
        )
        % {"row": first_number, "missing": _(" and ").join(mapping.missing())},
        code="missing_columns",
    )
