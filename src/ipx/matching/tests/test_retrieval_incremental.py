"""An engine with changes (``incremental.apply_changes``) ranks as its definition says: the
base's documents keep their exact scores, a changed document scores by the base's
statistics (checked against BM25F computed here from the tokens), replaced and removed
documents are never returned, and the ranking stays close to a fresh build's."""

from __future__ import annotations

import json
import math
from collections import Counter
from itertools import islice

import numpy as np
import pytest

from ipx.matching.retrieval.analysis import gram_tokens, word_tokens
from ipx.matching.retrieval.documents import Document, passage_text
from ipx.matching.retrieval.engine import EngineConfig, EngineError, HybridEngine
from ipx.matching.retrieval.incremental import apply_changes, delta_size
from ipx.matching.retrieval.lexical import lexical_fields, word_groups
from ipx.matching.retrieval.postings import BM25Params
from ipx.matching.retrieval.signals import Facts
from ipx.matching.tests.test_retrieval import BigramEmbedder
from ipx.testing.shared_data import SHARED_DATA

KPPATENT = SHARED_DATA / "patents-zh-kppatent"


def _documents(count: int) -> list[Document]:
    with (KPPATENT / "corpus.jsonl").open(encoding="utf-8") as handle:
        return [Document(row["id"], row.get("title") or "", row.get("abstract") or "", row.get("claims") or "")
                for row in map(json.loads, islice(handle, count))]


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return _documents(460)


@pytest.fixture(scope="module")
def queries() -> list[str]:
    with (KPPATENT / "queries.jsonl").open(encoding="utf-8") as handle:
        return [row["text"] for row in map(json.loads, islice(handle, 40))]


def _changed(corpus: list[Document]) -> tuple[list[Document], list[Document], list[str]]:
    """A base of 400 documents; changes: 40 new ones, 10 rewritten (another's text), 10 removed."""
    base = corpus[:400]
    rewritten = [Document(base[i].id, corpus[450 + i].title, corpus[450 + i].abstract, "") for i in range(10)]
    return base, corpus[400:440] + rewritten, [doc.id for doc in base[10:20]]


def _bm25f(doc: Document, query: str, base: list[Document], added: list[Document]) -> float:
    """BM25F of ``doc`` for ``query`` with the statistics of ``base`` (the formula in
    ``lexical``, written out here over the tokens, the words that name one thing by their
    best); a term the base lacks counts the documents ``added`` since that hold it."""
    total = 0.0
    for tokenize, weight in ((word_tokens, 1.0), (gram_tokens, 1.0)):
        each: dict[str, float] = {}
        analysed = [{name: Counter(tokenize(text)) for name, text in lexical_fields(d).items()} for d in base]
        delta = [{name: Counter(tokenize(text)) for name, text in lexical_fields(d).items()} for d in added]
        averages = {name: sum(sum(a[name].values()) for a in analysed) / max(1, sum(1 for a in analysed if a[name]))
                    for name in ("title", "body")}
        mine = {name: Counter(tokenize(text)) for name, text in lexical_fields(doc).items()}
        for term in dict.fromkeys(tokenize(query)):
            pseudo = sum(field_weight * mine[name][term] / (0.25 + 0.75 * sum(mine[name].values()) / averages[name])
                         for name, field_weight in (("title", 2.0), ("body", 1.0)) if mine[name][term])
            if not pseudo:
                continue
            df = sum(1 for a in analysed if a["title"][term] or a["body"][term])
            df = df or sum(1 for a in delta if a["title"][term] or a["body"][term])
            idf = math.log1p((len(base) - df + 0.5) / (df + 0.5))
            each[term] = weight * idf * pseudo * 2.2 / (pseudo + 1.2)
        groups = word_groups(list(dict.fromkeys(tokenize(query)))) if tokenize is word_tokens else [[t] for t in each]
        total += sum(max((each.get(term, 0.0) for term in group), default=0.0) for group in groups)
    return total


def test_documents_not_changed_keep_their_exact_scores(corpus: list[Document], queries: list[str]) -> None:
    base, changes, removed = _changed(corpus)
    engine = HybridEngine.build(base)
    changed = apply_changes(engine, changes, removed)
    untouched = {doc.id for doc in changes} | set(removed)
    kept = np.asarray([i for i, doc in enumerate(base) if doc.id not in untouched], dtype=np.intp)
    for query in queries:
        assert np.array_equal(changed.lexical.score_docs(query, kept), engine.lexical.score_docs(query, kept))


def test_a_changed_document_scores_by_the_base_statistics(corpus: list[Document], queries: list[str]) -> None:
    base, changes, removed = _changed(corpus)
    every_term = EngineConfig(bm25=BM25Params(max_query_terms=0))  # the formula has no query reduction
    changed = apply_changes(HybridEngine.build(base, config=every_term), changes, removed)
    for query in queries[:8]:
        for doc in (changes[0], changes[-1]):  # a new document, a rewritten one
            position = np.asarray([changed.position[doc.id]], dtype=np.intp)
            assert changed.lexical.score_docs(query, position)[0] == pytest.approx(
                _bm25f(doc, query, base, changes), rel=1e-4)


def test_replaced_and_removed_documents_are_never_returned(corpus: list[Document]) -> None:
    base, changes, removed = _changed(corpus)
    changed = apply_changes(HybridEngine.build(base), changes, removed)
    assert len(changed) == 400 + 40 - 10
    for old in base[:20]:  # the rewritten (0–9) and the removed (10–19)
        found = {m.doc_id: m for m in changed.search(old.title + old.abstract[:60], 50, method="lexical")}
        if old.id in removed:
            assert old.id not in found
        else:  # found only for its new text, at its new position
            assert changed.position[old.id] >= 400
    rewritten = changes[-1]
    assert changed.search(rewritten.title, 1, method="lexical")[0].doc_id == rewritten.id
    assert {m.doc_id for m in changed.search(base[15].title, 5, method="lexical", only={base[15].id})} == set()
    assert changed.search(changes[0].title, 5, method="lexical", exclude={changes[0].id})[0].doc_id != changes[0].id


def test_changes_apply_again_and_again(corpus: list[Document], queries: list[str]) -> None:
    base, changes, removed = _changed(corpus)
    once = apply_changes(HybridEngine.build(base), changes, removed)
    step = HybridEngine.build(base)
    for start in range(0, len(changes), 7):
        step = apply_changes(step, changes[start:start + 7], removed if start == 0 else ())
    assert delta_size(once) == delta_size(step) == 50
    assert len(step) == len(once)
    for query in queries:
        assert [(m.doc_id, m.score) for m in step.search(query, 10, method="lexical")] == \
               [(m.doc_id, m.score) for m in once.search(query, 10, method="lexical")]
    # Changing the same document twice leaves its last text only.
    again = apply_changes(step, [Document(changes[0].id, "碳化硅晶片散热结构")])
    assert again.search("碳化硅晶片散热结构", 1, method="lexical")[0].doc_id == changes[0].id
    assert len(again) == len(step)


def test_rankings_stay_close_to_a_fresh_build(corpus: list[Document], queries: list[str]) -> None:
    """12 % of the documents changed: the statistics drift, the top 10 barely moves (measured 0.99)."""
    base, changes, removed = _changed(corpus)
    embedder = BigramEmbedder()
    changed = apply_changes(HybridEngine.build(base, embedder=embedder), changes, removed, embedder=embedder)
    current = [doc for doc in base if doc.id not in set(removed) | {c.id for c in changes}] + changes
    fresh = HybridEngine.build(current, embedder=embedder)
    overlap = [len({m.doc_id for m in changed.search(q, 10)} & {m.doc_id for m in fresh.search(q, 10)}) / 10
               for q in queries]
    assert sum(overlap) / len(overlap) >= 0.95


def test_the_dense_stage_sees_the_changes(corpus: list[Document]) -> None:
    base, changes, removed = _changed(corpus)
    embedder = BigramEmbedder()
    changed = apply_changes(HybridEngine.build(base, embedder=embedder), changes, removed, embedder=embedder)
    new = changes[5]
    top = changed.search(new.title + "。" + new.abstract, 1, method="dense")[0]
    assert top.doc_id == new.id
    vector = embedder.embed_passages([new.title + "。" + new.abstract])[0]
    assert top.dense == pytest.approx(float(vector @ embedder.embed_queries([new.title + "。" + new.abstract])[0]),
                                      abs=1e-5)
    assert removed[0] not in {m.doc_id for m in changed.search(base[10].title, 20, method="dense")}
    # An engine given its vectors without a model cannot take documents it has no vectors for.
    plain = [Document(doc.id, doc.title, doc.abstract) for doc in base[:30]]
    given = HybridEngine.build(plain, vectors=embedder.embed_passages([passage_text(doc) for doc in plain]))
    with pytest.raises(EngineError):
        apply_changes(given, changes[:1])


def test_facts_follow_the_changes(corpus: list[Document]) -> None:
    base = corpus[:20]
    engine = HybridEngine.build(base, facts={doc.id: Facts(region="CN-44") for doc in base})
    changed = apply_changes(engine, [corpus[30]], [base[0].id], facts={corpus[30].id: Facts(region="CN-11")})
    assert changed.facts[corpus[30].id].region == "CN-11"
    assert base[0].id not in changed.facts
    rewritten = apply_changes(changed, [Document(base[1].id, "新标题")])
    assert base[1].id not in rewritten.facts  # its facts were not given again: none are kept


def test_duplicate_ids_in_one_change_are_refused(corpus: list[Document]) -> None:
    with pytest.raises(EngineError):
        apply_changes(HybridEngine.build(corpus[:5]), [corpus[6], corpus[6]])
