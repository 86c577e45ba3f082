"""Patent import benchmark: an XLSX inventory (10,000 rows by default) imported, then
imported again.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--format csv] [--keep]
    scripts/with-postgres.sh .venv/bin/python bench/import_bench.py --database-from-environment

The rows are real: Chinese titles with their real IPC subclasses and publication numbers
(shared/data/patents-zh-titles-ipc), application numbers with correct check characters
(``patent_check_character``), filing dates in the numbers' years. The import runs the way an
upload does in the background (``import_job_run``, DEBUG off as deployed) against a fresh SQLite database in a
temporary directory (migrated first); the second run takes the update path. Each import
runs in a process of its own, so its peak resident memory (``*_peak_rss_mb``, beside
``*_start_rss_mb`` once Django is loaded) is the import's, not the building of the file's.
Prints `NAME VALUE` lines: seconds, rows per second, memory and the job's counts.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("IPX_SHARED_DATA", ROOT.parent / "shared" / "data"))
TITLES = SHARED_DATA / "patents-zh-titles-ipc" / "titles_ipc_subclasses.tsv"

# The kind digit of an application number for the kind letter of a publication number.
KIND_DIGITS = {"A": "1", "B": "1", "C": "1", "U": "2", "Y": "2", "S": "3", "D": "3"}
STATUSES = ("有权-审定授权", "审中-实质审查", "无权-未缴年费")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _prepare_environment(workdir: Path) -> None:
    # A SQLite file of its own, unless asked for the caller's database (set before the import
    # processes start, which inherit it).
    os.environ["DATABASE_URL"] = (os.environ.get("IPX_IMPORT_BENCH_DATABASE_URL")
                                  or f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["IPX_VAR_DIR"] = str(workdir)
    os.environ["IPX_SEARCH_INDEX_DIR"] = str(workdir / "search")
    # The benchmark calls the job itself, so the queue must not run it as well: the task is
    # handed to a queue store in the temporary directory that no worker reads.
    os.environ["IPX_TASKS_STORE"] = str(workdir / "tasks.sqlite3")
    # As a deployed worker runs: without DEBUG's record of every query.
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("IPX_TASKS_IMMEDIATE", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
    sys.path.insert(0, str(ROOT / "src"))


def _titles() -> list[dict[str, str]]:
    with TITLES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def build_rows(count: int, seed: int = 20240601) -> list[list[str]]:
    from ipx.catalog.identifiers import patent_check_character

    rng = random.Random(seed)
    titles = _titles()
    header = ["申请号", "公开号", "专利名称", "申请日", "分类号", "法律状态", "发明人"]
    rows = [header]
    for index in range(count):
        source = titles[index % len(titles)]
        publication = source["publication_number"].strip() if index < len(titles) else ""
        kind_letter = (publication[-1:] if publication else "A").upper()
        year = rng.randint(2015, 2023)
        digits = f"{year}{KIND_DIGITS.get(kind_letter, '1')}{index + 1:07d}"
        filing = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        inventors = ";".join(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                             for _ in range(rng.randint(1, 4)))
        rows.append([
            f"{digits}.{patent_check_character(digits)}",
            publication,
            source["title"].strip() if index < len(titles) else f"{source['title'].strip()}（改进型）",
            filing,
            source["ipc_subclasses"].replace("|", ";"),
            rng.choice(STATUSES),
            inventors,
        ])
    return rows


def build_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("专利")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rss_mb() -> float:
    """This process's peak resident memory. Not ``getrusage``'s: Linux keeps its peak across
    ``exec``, so a child would report the parent's (which built the workbook) as its own."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_import(workdir: Path, label: str) -> None:
    """One import of the workbook in ``workdir``, in this (fresh) process."""
    _prepare_environment(workdir)
    import django

    django.setup()
    from django.core.files.uploadedfile import UploadedFile

    from ipx import events
    from ipx.accounts.models import User
    from ipx.catalog.importing.services import import_job_create, import_job_run
    from ipx.catalog.models import ImportJob

    # The follow-up work of each written patent's ``asset.changed`` (other apps' handlers,
    # run as each chunk commits), timed apart from the import's own work.
    dispatch = events._dispatch
    follow_up = 0.0

    def timed_dispatch(event: str, payload: dict[str, object]) -> None:
        nonlocal follow_up
        started = time.perf_counter()
        dispatch(event, payload)
        follow_up += time.perf_counter() - started

    events._dispatch = timed_dispatch
    user = User.objects.get(email="bench@example.com")
    organisation_id = user.memberships.get().organisation_id
    print(f"{label}_start_rss_mb {_rss_mb():.0f}")
    path = next(workdir.glob("inventory.*"))
    with path.open("rb") as handle:
        started = time.perf_counter()
        job = import_job_create(organisation_id=organisation_id, actor=user,
                                uploaded_file=UploadedFile(handle, name=path.name, size=path.stat().st_size))
        accepted = time.perf_counter() - started
    started = time.perf_counter()
    import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job = ImportJob.objects.get(pk=job.pk)
    print(f"{label}_upload_check_seconds {accepted:.2f}")
    print(f"{label}_seconds {seconds:.2f}")
    print(f"{label}_rows_per_second {job.processed_rows / seconds:.0f}")
    print(f"{label}_event_handler_seconds {follow_up:.2f}")
    print(f"{label}_rows_per_second_without_event_handlers {job.processed_rows / (seconds - follow_up):.0f}")
    print(f"{label}_peak_rss_mb {_rss_mb():.0f}")
    print(f"{label}_status {job.status}")
    print(f"{label}_counts created={job.created_count} updated={job.updated_count} "
          f"refused={job.error_count}")
    for error in job.errors[:5]:
        print(f"{label}_error row={error['row']} column={error['column']} {error['message']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--database-from-environment", action="store_true",
                        help="Import into DATABASE_URL (an empty database, e.g. under scripts/with-postgres.sh).")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory and print it.")
    parser.add_argument("--run-import", nargs=2, metavar=("WORKDIR", "LABEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_import:
        run_import(Path(args.run_import[0]), args.run_import[1])
        return

    if args.database_from_environment:
        os.environ["IPX_IMPORT_BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"]
    workdir = Path(tempfile.mkdtemp(prefix="ipx-import-bench-"))
    _prepare_environment(workdir)
    import django

    django.setup()
    from django.core.management import call_command

    from ipx.accounts.models import Membership, Organisation, User

    try:
        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(
            name="广州湾区电池科技有限公司", kind=Organisation.Kind.ENTERPRISE, region_kind="mainland",
            province="44", city="广州", status=Organisation.Status.VERIFIED)
        user = User.objects.create_user(email="bench@example.com", password=None,
                                        full_name="Bench")
        Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)

        started = time.perf_counter()
        build = build_csv if args.format == "csv" else build_xlsx
        content = build(build_rows(args.rows))
        (workdir / f"inventory.{args.format}").write_bytes(content)
        print(f"{args.format}_rows {args.rows}")
        print(f"{args.format}_bytes {len(content)}")
        print(f"{args.format}_build_seconds {time.perf_counter() - started:.2f}", flush=True)
        del content

        for label in ("first_import", "reimport"):
            subprocess.run([sys.executable, __file__, "--run-import", str(workdir), label], check=True)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"workdir {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
