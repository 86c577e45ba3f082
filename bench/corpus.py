"""Synthetic listings made of real texts recombined, for benchmarks at any size.

Titles come from real patent titles (KPPatent-ZH, the titles-IPC set), bodies from real
abstracts (KPPatent-ZH, CSL scientific abstracts); facets are drawn from plausible
distributions. Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED_DATA = Path(os.environ.get("IPX_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

REGIONS = ["CN-44"] * 8 + ["CN-11", "CN-31", "CN-32", "CN-33", "CN-37", "CN-51", "HK", "MO", "TW", "US", "DE", "JP"]
OFFER_KINDS = ["transfer", "licence", "use_first", "pledge", "auction"]
CURRENCIES = ["CNY"] * 8 + ["HKD", "USD"]
IP_TYPES = ["patent"] * 12 + ["trademark", "copyright", "gi"]


@dataclass(frozen=True)
class RawListing:
    listing_id: int
    title: str
    body: str
    ip_types: list[str]
    offer_kinds: list[str]
    ipc_codes: list[str]
    nice_classes: list[str]
    region: str
    currency: str
    price_cny: float | None
    published_at: int


def load_texts() -> tuple[list[str], list[str], list[str]]:
    titles: list[str] = []
    abstracts: list[str] = []
    for line in (SHARED_DATA / "patents-zh-kppatent" / "corpus.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        titles.append(record["title"] or "")
        if record.get("abstract"):
            abstracts.append(record["abstract"])
    ipc: list[str] = []
    with (SHARED_DATA / "patents-zh-titles-ipc" / "titles_ipc_subclasses.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            titles.append(row["title"])
            ipc.extend(row["ipc_subclasses"].split("|"))
    with (SHARED_DATA / "sci-abstracts-zh-csl" / "kg_dev.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                abstracts.append(parts[1])
    return titles, abstracts, sorted(set(ipc))


def generate(count: int, seed: int = 2026) -> Iterator[RawListing]:
    titles, abstracts, ipc = load_texts()
    rng = random.Random(seed)
    for listing_id in range(1, count + 1):
        body = rng.choice(abstracts)
        if rng.random() < 0.3:
            body += "\n" + rng.choice(abstracts)
        price = None if rng.random() < 0.3 else float(round(10 ** rng.uniform(4, 7.5), -3))
        ip_type = rng.choice(IP_TYPES)
        yield RawListing(
            listing_id=listing_id,
            title=rng.choice(titles),
            body=body,
            ip_types=[ip_type],
            offer_kinds=sorted(set(rng.sample(OFFER_KINDS, rng.randint(1, 2)))),
            ipc_codes=rng.sample(ipc, rng.randint(1, 3)) if ip_type == "patent" else [],
            nice_classes=[str(rng.randint(1, 45))] if ip_type == "trademark" else [],
            region=rng.choice(REGIONS),
            currency="" if price is None else rng.choice(CURRENCIES),
            price_cny=price,
            published_at=1_700_000_000 + listing_id * 7,
        )
