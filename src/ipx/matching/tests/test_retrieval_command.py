"""``ipx eval retrieval`` end to end on a tiny made-up set (lexical, so it is fast)."""

from __future__ import annotations

import json
import math
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CORPUS: list[dict] = [
    {"id": "p1", "title": "一种锂电池隔膜", "abstract": "隔膜表面涂覆陶瓷涂层。", "claims": None},
    {"id": "p2", "title": "一种离心水泵", "abstract": "叶轮采用不锈钢。"},
    {"id": "p3", "abstract": "一种太阳能电池板清洗机器人。"},
    {"id": "p4", "title": "Wind turbine blade", "abstract": "A carbon fibre blade for wind turbines."},
]
QUERIES: list[dict] = [
    {"id": "q1", "text": "锂电池 隔膜"},
    {"id": "q2", "text": "水泵 叶轮"},
    {"id": "q3", "text": "太阳能 清洗"},
    {"id": "q4", "text": "电池"},  # p1 (电池 in its title) ranks above the judged p3
]
QRELS = "query_id\tdoc_id\trelevance\nq1\tp1\t1\nq2\tp2\t1\nq3\tp3\t1\nq4\tp3\t1\n"


def jsonl(rows: list[dict]) -> str:
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n"


def write_set(
    folder: Path, corpus: list[dict] | None = None, queries: list[dict] | None = None, qrels: str = QRELS
) -> dict[str, Path]:
    paths = {"corpus": folder / "corpus.jsonl", "queries": folder / "queries.jsonl", "qrels": folder / "qrels.tsv"}
    paths["corpus"].write_text(jsonl(corpus or CORPUS), "utf-8")
    paths["queries"].write_text(jsonl(queries or QUERIES), "utf-8")
    paths["qrels"].write_text(qrels, "utf-8")
    return paths


def run(paths: dict[str, Path], *extra: str) -> tuple[dict[str, float], str]:
    out, err = StringIO(), StringIO()
    call_command(
        "eval", "retrieval", "--corpus", str(paths["corpus"]), "--queries", str(paths["queries"]),
        "--qrels", str(paths["qrels"]), "--method", "lexical", *extra, stdout=out, stderr=err,
    )
    values: dict[str, float] = {}
    for line in out.getvalue().splitlines():
        assert re.fullmatch(r"\S+ \S+", line), line
        name, value = line.split(" ")
        if name != "method":
            values[name] = float(value)
    return values, err.getvalue()


def test_prints_every_metric_as_name_value_lines(tmp_path: Path) -> None:
    values, _ = run(write_set(tmp_path))
    # q1, q2, q3 find their document first; q4 (电池) finds p1 (title) before p3 (abstract).
    assert values["documents"] == 4 and values["queries"] == 4
    assert values["MRR@10"] == (1 + 1 + 1 + 1 / 2) / 4
    assert values["nDCG@10"] == pytest.approx((3 + 1 / math.log2(3)) / 4, abs=1e-4)
    assert values["Recall@10"] == 1.0
    assert values["Recall@100"] == 1.0
    assert {"nDCG@10", "P@10", "latency_p50_ms", "latency_p95_ms"} <= set(values)
    assert values["latency_p95_ms"] >= values["latency_p50_ms"] >= 0


def test_exact_figures_on_a_set_with_a_miss(tmp_path: Path) -> None:
    qrels = "query_id\tdoc_id\trelevance\nq1\tp1\t1\nq2\tp4\t1\n"
    values, _ = run(write_set(tmp_path, queries=QUERIES[:2], qrels=qrels))
    # q1 → p1 at rank 1; q2 (水泵 叶轮) never reaches p4 (no shared term).
    assert values["MRR@10"] == 0.5
    assert values["Recall@10"] == 0.5
    assert values["nDCG@10"] == 0.5
    assert values["P@10"] == pytest.approx(0.05)


def test_traditional_conversion_keeps_the_figures(tmp_path: Path) -> None:
    paths = write_set(tmp_path)
    simplified, _ = run(paths)
    traditional, _ = run(paths, "--convert", "s2tw")
    for name in ("MRR@10", "Recall@10", "nDCG@10"):
        assert traditional[name] == simplified[name]


def test_unknown_ids_in_qrels_are_warned_about_and_skipped(tmp_path: Path) -> None:
    qrels = QRELS + "q9\tp1\t1\nq1\tp404\t1\n"
    values, err = run(write_set(tmp_path, qrels=qrels))
    assert "1 judged query id(s) not in the queries file, skipped: q9" in err
    assert "1 judged document id(s) not in the corpus, skipped: p404" in err
    assert values["queries"] == 4
    assert values["Recall@10"] == 1.0


def test_writes_a_trec_run_file(tmp_path: Path) -> None:
    paths = write_set(tmp_path)
    run(paths, "--run", str(tmp_path / "run.tsv"))
    first = (tmp_path / "run.tsv").read_text("utf-8").splitlines()[0].split("\t")
    assert first[:4] == ["q1", "Q0", "p1", "1"]


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("missing-corpus", "corpus file not found"),
        ("bad-json", "corpus.jsonl:2: not valid JSON"),
        ("no-id", "corpus.jsonl:1: missing or invalid \"id\""),
        ("empty-corpus", "corpus is empty"),
        ("bad-field", "\"title\" must be a string or null"),
        ("bad-qrels", "qrels.tsv:2: expected 3 tab-separated columns"),
        ("bad-relevance", "relevance 'high' is not a number"),
        ("nothing-judged", "no query has a relevant document in the corpus"),
        ("query-without-text", "queries.jsonl:1: missing \"text\""),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, breakage: str, message: str) -> None:
    paths = write_set(tmp_path)
    if breakage == "missing-corpus":
        paths["corpus"].unlink()
    elif breakage == "bad-json":
        paths["corpus"].write_text('{"id": "p1", "title": "x"}\n{"id": "p2", "title": \n', "utf-8")
    elif breakage == "no-id":
        paths["corpus"].write_text('{"title": "x"}\n', "utf-8")
    elif breakage == "empty-corpus":
        paths["corpus"].write_text("\n", "utf-8")
    elif breakage == "bad-field":
        paths["corpus"].write_text('{"id": "p1", "title": 5}\n', "utf-8")
    elif breakage == "bad-qrels":
        paths["qrels"].write_text("query_id\tdoc_id\trelevance\nq1 p1 1\n", "utf-8")
    elif breakage == "bad-relevance":
        paths["qrels"].write_text("query_id\tdoc_id\trelevance\nq1\tp1\thigh\n", "utf-8")
    elif breakage == "nothing-judged":
        paths["qrels"].write_text("query_id\tdoc_id\trelevance\nq1\tp404\t1\n", "utf-8")
    elif breakage == "query-without-text":
        paths["queries"].write_text('{"id": "q1"}\n', "utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        run(paths)


def test_subcommand_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("eval")
