"""Filling the IPC and Nice reference tables from catalog/reference/ (see SOURCES.md there).

Migration 0002 fills them on a new database. Whatever empties the whole database afterwards
(`ipx flush`, or the flush after each transactional test) is followed by Django's post_migrate
signal, and `fill_if_empty` puts them back there, as Django does for content types: the
catalog never runs without its classification tables.

Traditional-Chinese titles are derived with OpenCC (s2twp). The English titles cover
sections, classes and subclasses; lower levels fall back to Chinese on English pages.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import opencc
from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS, models

REFERENCE = Path(__file__).resolve().parent / "reference"
IPC_LEVELS = frozenset({"section", "class", "subclass", "main_group", "subgroup"})
PARENT_LEVEL = {"class": 1, "subclass": 3, "main_group": 4}


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t")


def _parent(code: str, level: str, main_groups: set[str]) -> str:
    if level == "section":
        return ""
    if level in PARENT_LEVEL:
        return code[: PARENT_LEVEL[level]]
    # A subgroup hangs under its main group (A01B1/02 → A01B1/00).
    main = code.split("/")[0] + "/00"
    return main if main in main_groups else code[:4]


def _all_to_traditional(titles: list[str]) -> list[str]:
    """OpenCC over every title in one call, a third of the time of one call a title (77,000)."""
    convert = opencc.OpenCC("s2twp").convert
    if any("\n" in title for title in titles):
        return [str(convert(title)) for title in titles]
    return str(convert("\n".join(titles))).split("\n")


# Built once per process: the conversion to Traditional Chinese is the slow part, and every
# process that migrates a database (each test worker, a backup drill) fills the tables.
@lru_cache(maxsize=1)
def ipc_rows() -> tuple[dict[str, str], ...]:
    english = {row["code"]: row["title_en"] for row in _rows("ipc_top_levels_bilingual.tsv")}
    entries: dict[str, tuple[str, str, str]] = {}
    for name in ("ipc_2026_01_zh.tsv", "ipc_supplement.tsv"):
        for row in _rows(name):
            code = row["code"].strip()
            if code and row["level"] in IPC_LEVELS:
                entries.setdefault(code, (row["level"], row["title_zh"].strip(), row.get("title_en") or ""))
    main_groups = {code for code, (level, _t, _e) in entries.items() if level == "main_group"}
    ordered = sorted(entries.items())
    traditional = _all_to_traditional([title for _code, (_level, title, _en) in ordered])
    return tuple(
        {"code": code, "level": level, "parent": _parent(code, level, main_groups), "title_zh": title,
         "title_zh_hant": hant, "title_en": english.get(code) or title_en}
        for (code, (level, title, title_en)), hant in zip(ordered, traditional, strict=True)
    )


@lru_cache(maxsize=1)
def nice_rows() -> tuple[dict[str, Any], ...]:
    to_traditional = opencc.OpenCC("s2twp").convert
    return tuple(
        {"number": int(row["class"]), "kind": row["kind"], "heading_zh": row["heading_zh_as_published_in_source"],
         "heading_zh_hant": to_traditional(row["heading_zh_as_published_in_source"]),
         "note_en": row["explanatory_note_en"]}
        for row in _rows("nice_classes_bilingual.tsv")
    )


def fill(ipc_model: type[models.Model], nice_model: type[models.Model], using: str) -> None:
    """Insert every reference row (the models are passed in so a migration can use its own)."""
    ipc_model._default_manager.using(using).bulk_create(
        [ipc_model(**row) for row in ipc_rows()], batch_size=5000)
    nice_model._default_manager.using(using).bulk_create([nice_model(**row) for row in nice_rows()])


def fill_if_empty(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, apps: Apps = global_apps,
                  **kwargs: object) -> None:
    """post_migrate receiver for the catalog app: `apps` is the migrated state, which has no
    reference tables when the catalog was migrated back to zero."""
    from ipx.catalog.reference import clear_caches

    try:
        ipc_model, nice_model = apps.get_model("catalog", "IpcCode"), apps.get_model("catalog", "NiceClass")
    except LookupError:
        return
    if ipc_model._default_manager.using(using).exists() and nice_model._default_manager.using(using).exists():
        return
    ipc_model._default_manager.using(using).all().delete()
    nice_model._default_manager.using(using).all().delete()
    fill(ipc_model, nice_model, using)
    clear_caches()
