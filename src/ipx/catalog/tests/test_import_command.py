"""``ipx import patents FILE --org ID``: a summary, the row report, and the exit code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from ipx.catalog.models import Asset
from ipx.catalog.tests.import_files import (
    HEADERS,
    application_number,
    cnipa_rows,
    csv_bytes,
    patent_row,
    registered_numbers,
)
from ipx.cli import main
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # A command run from the command line closes every connection when it ends; inside a
    # test that would close the test's own transaction (PostgreSQL).
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_assets", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_imports_and_prints_the_summary_and_report(owner: Member, tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_bytes(csv_bytes([HEADERS, patent_row(1), patent_row(2, **{"Filing date": "2021-13-01"}),
                                patent_row(3)], encoding="gbk"))

    output = run("patents", str(path), "--org", str(owner.organisation.pk), "--user", "OWNER@example.com")

    assert output == (
        "Patents: 3 rows, 2 created, 0 updated, 1 refused\n"
        "row\tcolumn\tmessage\n"
        "3\tFiling date\t“2021-13-01” is not a date; write it as YYYY-MM-DD.\n"
    )
    assert registered_numbers() == [
        application_number(1), application_number(3)]
    assert run("patents", str(path), "--org", str(owner.organisation.pk)).startswith(
        "Patents: 3 rows, 0 created, 2 updated, 1 refused\n")


def test_the_cnipa_export_through_the_ipx_command(owner: Member, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cnipa.csv"
    path.write_bytes(csv_bytes(cnipa_rows(), encoding="utf-8-sig"))

    main(["ipx", "import", "patents", str(path), "--org", str(owner.organisation.pk)])

    captured = capsys.readouterr()
    assert captured.out == "Patents: 10 rows, 10 created, 0 updated, 0 refused\n"
    assert "10/10" in captured.err  # the progress bar
    assert Asset.objects.filter(holder=owner.organisation).count() == 10


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"\x00\x01\x02\x03", "This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file in UTF-8 "
                          "or GBK."),
    (csv_bytes([["发明人"], ["张三"]]), "Row 1, the header, lacks columns for a title (专利名称 or Title) and an "
     "application number (申请号 or Application number) or a publication number (公开号 or Publication number). "
     "Use the template's headers or a CNIPA export."),
])
def test_a_refused_file_exits_non_zero_and_writes_nothing(owner: Member, tmp_path: Path, content: bytes,
                                                          message: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(SystemExit) as exited:
        main(["ipx", "import", "patents", str(path), "--org", str(owner.organisation.pk), "--no-progress"])

    assert exited.value.code == 1
    assert capsys.readouterr().err == f"CommandError: {message}\n"
    assert Asset.objects.count() == 0


def test_organisation_user_and_file_are_checked(owner: Member, outsider: Member, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([HEADERS, patent_row(1)]))
    org = str(owner.organisation.pk)

    with pytest.raises(CommandError, match=r"No organisation has the id 999999\."):
        run("patents", str(path), "--org", "999999")
    with pytest.raises(CommandError, match=r"No user has the e-mail address nobody@example\.com\."):
        run("patents", str(path), "--org", org, "--user", "nobody@example.com")
    with pytest.raises(CommandError, match=r"You are not a member of this organisation\."):
        run("patents", str(path), "--org", org, "--user", outsider.user.email)
    with pytest.raises(CommandError, match="No such file: "):
        run("patents", str(tmp_path / "missing.csv"), "--org", org)
    with pytest.raises(CommandError, match="invalid choice: 'trademarks'"):
        run("trademarks", str(path), "--org", org)
    assert Asset.objects.count() == 0
