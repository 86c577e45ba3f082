"""The real embedding model on a handful of texts (a few seconds on 2 cores)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ipx.matching.retrieval import checks
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.embedding import get_embedder
from ipx.matching.retrieval.engine import HybridEngine

DOCS = [
    Document(
        id="battery", title="一种锂离子电池隔膜",
        abstract="聚乙烯隔膜表面涂覆氧化铝陶瓷涂层，提高电池的耐热性和安全性。",
    ),
    Document(id="pump", title="一种离心水泵", abstract="水泵叶轮采用不锈钢，降低运行噪声。"),
    Document(id="seed", title="一种水稻育种方法", abstract="通过杂交选育抗病高产水稻品种。"),
]


@pytest.fixture(scope="module")
def engine() -> HybridEngine:
    return HybridEngine.build(DOCS, embedder=get_embedder())


def test_model_loads_and_passes_the_start_up_check() -> None:
    assert checks.check_embedding_model() == []
    model = get_embedder()
    vectors = model.embed_passages(["锂电池", ""])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_dense_ranking_finds_a_paraphrase_without_shared_words(engine: HybridEngine) -> None:
    matches = engine.search("提高储能电芯的热稳定性", 3, method="dense")
    assert matches[0].doc_id == "battery"


def test_traditional_and_english_queries_find_the_same_document(engine: HybridEngine) -> None:
    simplified = engine.search("锂电池隔膜 陶瓷涂层", 1)[0]
    traditional = engine.search("鋰電池隔膜 陶瓷塗層", 1)[0]
    english = engine.search("ceramic coated separator for lithium batteries", 1, method="dense")[0]
    assert simplified.doc_id == traditional.doc_id == english.doc_id == "battery"


def test_eval_command_hybrid_with_an_embedding_cache(tmp_path: Path) -> None:
    import sqlite3
    from io import StringIO

    from django.core.management import call_command

    from ipx.matching.tests.test_retrieval_command import write_set

    paths = write_set(tmp_path)
    cache = tmp_path / "cache.sqlite3"
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command(
            "eval", "retrieval", "--corpus", str(paths["corpus"]), "--queries", str(paths["queries"]),
            "--qrels", str(paths["qrels"]), "--method", "hybrid", "--cache", str(cache), "--cache-queries",
            stdout=out, stderr=StringIO(),
        )
        outputs.append(dict(line.split(" ") for line in out.getvalue().splitlines()))
    assert outputs[0]["Recall@10"] == outputs[1]["Recall@10"] == "1.0000"
    with sqlite3.connect(cache) as db:
        kinds = dict(db.execute("SELECT kind, count(*) FROM vectors GROUP BY kind").fetchall())
    assert kinds == {"passage": 7, "query": 4}  # each text, and the three titles alone
