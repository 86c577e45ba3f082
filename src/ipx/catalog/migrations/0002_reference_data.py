"""Load the IPC and Nice reference tables from catalog/reference/ (see SOURCES.md there).

Traditional-Chinese titles are derived with OpenCC (s2twp). The English titles cover
sections, classes and subclasses; lower levels fall back to Chinese on English pages.
"""

import csv
from pathlib import Path

import opencc
from django.db import migrations

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
PARENT_LEVEL = {"class": 1, "subclass": 3, "main_group": 4}


def _rows(name):
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t")


def _parent(code, level, main_groups):
    if level == "section":
        return ""
    if level in PARENT_LEVEL:
        return code[: PARENT_LEVEL[level]]
    # A subgroup hangs under its main group (A01B1/02 → A01B1/00).
    main = code.split("/")[0] + "/00"
    return main if main in main_groups else code[:4]


def load(apps, schema_editor):
    IpcCode = apps.get_model("catalog", "IpcCode")
    NiceClass = apps.get_model("catalog", "NiceClass")
    to_traditional = opencc.OpenCC("s2twp").convert
    english = {row["code"]: row["title_en"] for row in _rows("ipc_top_levels_bilingual.tsv")}
    entries = {}
    for name in ("ipc_2026_01_zh.tsv", "ipc_supplement.tsv"):
        for row in _rows(name):
            code = row["code"].strip()
            if code and row["level"] in {"section", "class", "subclass", "main_group", "subgroup"}:
                entries.setdefault(code, (row["level"], row["title_zh"].strip(), row.get("title_en") or ""))
    main_groups = {code for code, (level, _t, _e) in entries.items() if level == "main_group"}
    IpcCode.objects.bulk_create(
        [
            IpcCode(code=code, level=level, parent=_parent(code, level, main_groups), title_zh=title,
                    title_zh_hant=to_traditional(title), title_en=english.get(code) or title_en)
            for code, (level, title, title_en) in sorted(entries.items())
        ],
        batch_size=5000,
    )
    NiceClass.objects.bulk_create([
        NiceClass(number=int(row["class"]), kind=row["kind"], heading_zh=row["heading_zh_as_published_in_source"],
                  heading_zh_hant=to_traditional(row["heading_zh_as_published_in_source"]),
                  note_en=row["explanatory_note_en"])
        for row in _rows("nice_classes_bilingual.tsv")
    ])


def unload(apps, schema_editor):
    apps.get_model("catalog", "IpcCode").objects.all().delete()
    apps.get_model("catalog", "NiceClass").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
