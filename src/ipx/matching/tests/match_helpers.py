"""Shared set-up for the match tests: a small deterministic embedder, real patent texts
from the shared data, and listings of them published through the services."""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings

from ipx.accounts.models import User
from ipx.listings import services as listing_services
from ipx.listings.models import Listing, ListingAsset
from ipx.matching.matches import index
from ipx.matching.models import Demand
from ipx.matching.tests.demand_helpers import in_days
from ipx.search.normalise import simplify
from ipx.testing.factories import ListingFactory, PatentFactory
from ipx.testing.fixtures import Member
from ipx.testing.shared_data import SHARED_DATA

CORPUS = SHARED_DATA / "patents-zh-kppatent" / "corpus.jsonl"


class HashEmbedder:
    """A stand-in model: hashed character bigrams of the Simplified text, L2-normalised.
    Deterministic and fast; texts sharing bigrams are close. Counts what it embeds."""

    name = "test-hash-bigrams-256"
    dim = 256

    def __init__(self) -> None:
        self.passages = 0
        self.queries = 0

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in itertools.pairwise(simplify(text)):
                out[row, zlib.crc32((a + b).encode()) % self.dim] += 1
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else 1 / np.sqrt(self.dim)
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries += len(texts)
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return self._embed(texts)


@pytest.fixture
def embedder(settings: LazySettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HashEmbedder]:
    """Matching with the stand-in model and a vector cache of this test's own."""
    settings.VAR_DIR = tmp_path
    model = HashEmbedder()
    monkeypatch.setattr(index, "current_embedder", lambda: model)
    monkeypatch.setattr(index, "vector_model_name", lambda: model.name)
    index.forget()
    yield model
    index.forget()


@dataclass(frozen=True)
class PatentText:
    id: str
    title: str
    abstract: str
    claims: str


@lru_cache(maxsize=1)
def _corpus() -> dict[str, PatentText]:
    texts: dict[str, PatentText] = {}
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            texts[row["id"]] = PatentText(row["id"], row.get("title") or "", row.get("abstract") or "",
                                          row.get("claims") or "")
    return texts


def patent_text(doc_id: str) -> PatentText:
    return _corpus()[doc_id]


# Real patents of the shared set, by topic, with the IPC subclasses they belong to.
AIRCON = {"test0057": "F24F11/88", "test0373": "F24F11/64", "test0457": "F24F11/65"}
BATTERY = {"test0208": "H01M4/505", "test0562": "H01M4/131"}
CONCRETE = {"test0257": "C04B28/04", "test0037": "E04G21/02"}
SEWAGE = {"test0117": "C02F3/12"}


def offer(member: Member, operator: User, doc_id: str, ipc: str, *, price: str | None = "500000",
          currency: str = "CNY", filing: date = date(2021, 3, 1), **fields: Any) -> Listing:
    """A listing of one real patent held by ``member``, taken through review to published
    (events fire when the caller's on_commit block ends)."""
    text = patent_text(doc_id)
    patent = PatentFactory.create(asset__holder=member.organisation, asset__title=text.title,
                                  asset__abstract=text.abstract, claims=text.claims, ipc_main=ipc[:4],
                                  ipc_codes=[ipc], filing_date=filing)
    price_fields: dict[str, Any] = ({"price_type": "fixed", "price_amount": Decimal(price)} if price is not None
                                    else {"price_type": "negotiable", "price_amount": None})
    listing = ListingFactory.create(organisation=member.organisation, created_by=member.user, title=text.title,
                                    description="", currency=currency, expires_on=in_days(300),
                                    **(price_fields | fields))
    ListingAsset.objects.create(listing=listing, asset=patent.asset)
    listing_services.listing_submit(listing_id=listing.pk, actor=member.user)
    return listing_services.listing_approve(listing_id=listing.pk, operator=operator)


AIRCON_DEMAND = {
    "title": "寻求空调器智能控制与节能运行技术",
    "description": "我司生产家用空调器，希望引进能根据用户使用习惯自动调节运行模式的智能控制技术，以及变频器和"
                   "新风空调一体机的控制方法，降低整机能耗。",
    "ipc_codes": ["F24F"],
    "budget_min_amount": "300000", "budget_max_amount": "1500000", "budget_currency": "CNY",
    "region_kind": "mainland", "province": "44", "country": "",
}
BATTERY_DEMAND = {
    "title": "高容量锂电池正极材料",
    "description": "寻求富锂锰基或高镍正极活性材料及其制备方法，提高锂离子电池的容量和循环寿命。",
    "ipc_codes": ["H01M"],
    "budget_min_amount": "", "budget_max_amount": "800000", "budget_currency": "CNY",
    "region_kind": "any", "province": "", "country": "",
}


def demand_matches_api(member: Member, demand: Demand) -> dict[str, Any]:
    """The demand's matches as the API answers the member (200 asserted)."""
    response = member.client.get(f"/api/v1/demands/{demand.pk}/matches")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body
