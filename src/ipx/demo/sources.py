"""The real patent records the demo shows, read from the copies in ``data/`` (see SOURCES.md).

Each reader turns one data set into ``PatentRecord``s whose ``data`` is what a member would
type into the asset form; the catalog's validation decides whether they are accepted.
Nothing here touches the database.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
KPPATENT_FILE = DATA_DIR / "kppatent_numbered.jsonl"
TITLES_IPC_FILE = DATA_DIR / "titles_ipc_every4th.tsv"
CNIPA_FILE = DATA_DIR / "cnipa_patent_cases.tsv"
USCC_FILE = DATA_DIR / "uscc_valid_python_stdnum.txt"

# A CN publication or grant number as printed in the page headers of a patent document.
PUBLICATION_NUMBER_RE = re.compile(r"CN\d{7,9}[ABUSCY]\d?")
# A page header, e.g. "CN112774704A说明书1/4页". The text extraction of the corpus sometimes
# lost the first characters of the section name ("利要求书2/3页"), hence the optional prefix.
_PAGE_HEADER_RE = re.compile(
    r"(?P<number>CN\d{7,9}[A-Z]\d?)(?P<section>(?:权?利?要?求?书|说明书附图|说明书|摘要附图|摘要))"
    r"\d+/\d+页"
)
_CLAIMS_SECTIONS = frozenset({"权利要求书", "利要求书", "要求书", "求书", "书"})

# What a publication's kind code says about the right, as far as the document itself shows:
# an A document is a published application; B, U and S documents are grants.
_PENDING_KIND_CODES = frozenset("A")


@dataclass(frozen=True, slots=True)
class PatentRecord:
    source: str  # "cnipa", "kppatent" or "titles-ipc"
    ref: str  # where in the source: a document id or a row number
    data: dict[str, Any]

    @property
    def ipc_section(self) -> str:
        codes = self.data.get("ipc_codes") or []
        return str(codes[0])[:1] if codes else ""


def kind_code(number: str) -> str:
    """The letter of a CN publication number's kind code: CN114081026A → A."""
    return number.rstrip("0123456789")[-1]


def status_for_kind_code(number: str) -> str:
    return "pending" if kind_code(number) in _PENDING_KIND_CODES else "in_force"


def split_pages(text: str) -> tuple[str, str]:
    """Split text extracted from a patent PDF at its page headers: the text before the first
    header, and the claims pages after it up to the first description or drawings page.

    A claims field starts with claim 1 (its first header was not extracted) and may run on
    into the description; an abstract field sometimes runs on into the claims.
    """
    lead: str | None = None
    claims_pages: list[str] = []
    position = 0
    for match in _PAGE_HEADER_RE.finditer(text):
        segment = text[position:match.start()]
        if lead is None:
            lead = segment
        else:
            claims_pages.append(segment)
        position = match.end()
        if match["section"] not in _CLAIMS_SECTIONS:
            break
    else:
        if lead is None:
            lead = text[position:]
        else:
            claims_pages.append(text[position:])
    return lead or "", "".join(claims_pages)


def _tidy(text: str) -> str:
    # A publication number left alone (a header whose page count was lost) is no claim text.
    return PUBLICATION_NUMBER_RE.sub("", text).strip()


def _kppatent_record(document: dict[str, Any]) -> PatentRecord | None:
    claims_text = str(document.get("claims") or "")
    abstract_text = str(document.get("abstract") or "")
    found = PUBLICATION_NUMBER_RE.search(claims_text) or PUBLICATION_NUMBER_RE.search(abstract_text)
    if found is None:
        return None  # no real number to show; the demo never makes one up
    number = found.group()
    # A claims page break falls anywhere in a sentence, so the pages join without a gap.
    claims = _tidy("".join(split_pages(claims_text)))
    abstract, claims_after_abstract = (_tidy(part) for part in split_pages(abstract_text))
    return PatentRecord(
        source="kppatent",
        ref=str(document.get("id") or ""),
        data={
            "title": str(document.get("title") or "").strip(),
            "abstract": abstract,
            "claims": claims or claims_after_abstract,
            "publication_number": number,
            "legal_status": status_for_kind_code(number),
        },
    )


def read_kppatent(path: Path = KPPATENT_FILE) -> Iterator[PatentRecord]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = _kppatent_record(json.loads(line))
                if record is not None:
                    yield record


def read_titles_ipc(path: Path = TITLES_IPC_FILE) -> Iterator[PatentRecord]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            number = row["publication_number"].strip()
            granted = status_for_kind_code(number) == "in_force"
            yield PatentRecord(
                source="titles-ipc",
                ref=f"row {row_number}",
                data={
                    "title": row["title"].strip(),
                    "publication_number": number,
                    # A grant's own number is its publication; CN utility models and
                    # designs are first published at grant.
                    "grant_number": number if granted else "",
                    "ipc_codes": [code for code in row["ipc_subclasses"].split("|") if code],
                    "legal_status": status_for_kind_code(number),
                },
            )


def _cnipa_date(value: str) -> str:
    value = value.strip()
    return "" if value in ("", "0") else value


def read_cnipa(path: Path = CNIPA_FILE) -> Iterator[PatentRecord]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            inventors = [name.strip() for name in row["发明人"].split(";") if name.strip()]
            yield PatentRecord(
                source="cnipa",
                ref=f"序号 {row['序号']}",
                data={
                    "title": row["专利名称"],
                    "abstract": row["申请摘要"],
                    "claims": row["主权项"],
                    "kind": row["专利类型"],
                    "application_number": row["申请号"],
                    "publication_number": row["公开号"],
                    "grant_number": row["授权公告号"],
                    "filing_date": _cnipa_date(row["申请日"]),
                    "publication_date": _cnipa_date(row["公开日"]),
                    "grant_date": _cnipa_date(row["授权公告日"]),
                    "ipc_main": row["主分类号"],
                    "ipc_codes": [code for code in row["分类号"].split(";") if code],
                    "inventors": "；".join(inventors),
                    "owners": row["当前权利人"] or row["申请人"],
                    "legal_status": row["法律状态"],
                },
            )


def cnipa_applicant(path: Path = CNIPA_FILE) -> str:
    """The one applicant of the CNIPA records (the demo names an institute after it)."""
    with path.open(encoding="utf-8", newline="") as handle:
        applicants = {row["申请人"].strip() for row in csv.DictReader(handle, delimiter="\t")}
    if len(applicants) != 1:
        raise ValueError(f"expected one applicant in {path.name}, found {sorted(applicants)}")
    return applicants.pop()


def read_usccs(path: Path = USCC_FILE) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def merge_ipc(kppatent: list[PatentRecord], titles: list[PatentRecord]) -> list[PatentRecord]:
    """The title rows not already among the full-text documents; a full-text document that
    is also a title row takes that row's IPC subclasses (the corpus has none)."""
    by_number = {record.data["publication_number"]: record for record in titles}
    for index, record in enumerate(kppatent):
        row = by_number.pop(record.data["publication_number"], None)
        if row is not None:
            kppatent[index] = PatentRecord(record.source, record.ref,
                                           record.data | {"ipc_codes": row.data["ipc_codes"]})
    return [record for record in titles if record.data["publication_number"] in by_number]
