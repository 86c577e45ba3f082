"""Uploads become import jobs: refused files change nothing; accepted ones run in the
background and report their progress and rows, on pages and in the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.catalog.importing.services import import_job_create, import_job_run
from ipx.catalog.models import Asset, ImportJob, Patent
from ipx.catalog.tests.import_files import (
    GOOD_AND_BAD,
    HEADERS,
    application_number,
    cnipa_rows,
    csv_bytes,
    damaged_sheet,
    registered_numbers,
    upload,
    xlsx_bytes,
)
from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.tasks.models import Task
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NOT_A_SPREADSHEET = "This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file in UTF-8 or GBK."


def stored_files() -> list[Path]:
    root = Path(settings.IPX_PRIVATE_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_nothing_written() -> None:
    assert ImportJob.objects.count() == 0
    assert Task.objects.count() == 0
    assert Asset.objects.count() == 0
    assert stored_files() == []


# --- The service ------------------------------------------------------------------------------

def test_an_upload_is_stored_queued_and_run(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD, "我的专利.csv"))
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.QUEUED

    job.refresh_from_db()
    assert (job.status, job.file_name, job.created_by, job.organisation) == (
        ImportJob.Status.DONE, "我的专利.csv", owner.user, owner.organisation)
    assert (job.total_rows, job.processed_rows, job.created_count, job.updated_count, job.error_count) == (
        3, 3, 2, 0, 1)
    assert job.errors == [{"row": 3, "column": "Title", "message": "Title is required."}]
    assert (job.errors_omitted, job.message, job.progress_percent) == (0, "", 100)
    assert job.started_at is not None and job.finished_at is not None
    assert job.file.name.startswith("imports/") and job.file.name.endswith(".csv")
    assert Task.objects.get().status == Task.Status.DONE
    assert registered_numbers() == [
        application_number(1), application_number(3)]
    # What the job wrote, for its page to follow (the refused row wrote nothing).
    assert sorted(str(number) for number in job.assets.values_list("patent__application_number", flat=True)) == [
        application_number(1), application_number(3)]


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.4\n\x00\x01binary", "patents.csv", NOT_A_SPREADSHEET),
    (b"\x00\x01\x02\x03" * 100, "patents.xlsx", NOT_A_SPREADSHEET),
    (b"", "patents.csv", "The file is empty."),
    (csv_bytes([HEADERS]), "patents.csv", "The file has a header row but no patents below it."),
    (csv_bytes([["专利名称"], ["无人机巡检系统"]]), "patents.csv",
     "Row 1, the header, lacks columns for an application number (申请号 or Application number) or a "
     "publication number (公开号 or Publication number). Use the template's headers or a CNIPA export."),
])
def test_refused_files_write_nothing(owner: Member, on_commit: Callable[..., Any], content: bytes, name: str,
                                     message: str) -> None:
    with on_commit(), pytest.raises(ValidationFailed) as refused:
        import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                          uploaded_file=upload(content, name))
    assert refused.value.fields == {"file": message}
    assert_nothing_written()


def test_an_oversized_file_is_refused_before_it_is_read(owner: Member, settings: Any,
                                                        on_commit: Callable[..., Any]) -> None:
    settings.IPX_MAX_UPLOAD_BYTES = 100
    with on_commit(), pytest.raises(ValidationFailed) as refused:
        import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                          uploaded_file=upload(GOOD_AND_BAD))
    assert (refused.value.status, refused.value.code) == (413, "too_large")
    assert refused.value.message == (f"The file is {len(GOOD_AND_BAD)}\xa0bytes; files up to 100\xa0bytes can be "
                                     "imported. Split it into smaller files.")
    assert_nothing_written()


def test_only_members_import_for_an_organisation(owner: Member, outsider: Member,
                                                 on_commit: Callable[..., Any]) -> None:
    with on_commit(), pytest.raises(PermissionDenied, match=r"You are not a member of this organisation\."):
        import_job_create(organisation_id=owner.organisation.pk, actor=outsider.user,
                          uploaded_file=upload(GOOD_AND_BAD))
    assert_nothing_written()


def test_a_job_whose_uploader_left_fails_without_writing(owner: Member, on_commit: Callable[..., Any]) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))
    owner.user.memberships.all().delete()

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.message, job.created_count) == (
        ImportJob.Status.FAILED, "You are not a member of this organisation.", 0)
    assert Asset.objects.count() == 0


def test_a_finished_job_is_not_run_again(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD))
    finished = ImportJob.objects.get(pk=job.pk)

    import_job_run(job_id=job.pk)

    again = ImportJob.objects.get(pk=job.pk)
    assert (again.status, again.finished_at, again.created_count, again.updated_count) == (
        ImportJob.Status.DONE, finished.finished_at, 2, 0)


# --- Pages ------------------------------------------------------------------------------------

def test_the_upload_page_offers_both_templates(owner: Member) -> None:
    response = owner.client.get(reverse("catalog:import_new"))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("catalog:import_template", args=["xlsx"]) in html
    assert reverse("catalog:import_template", args=["csv"]) in html
    xlsx = Client().get(reverse("catalog:import_template", args=["xlsx"]))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == 'attachment; filename="ipx-patent-import-template.xlsx"'
    assert Client().get("/catalog/imports/template.pdf").status_code == 404


def test_upload_then_job_page_then_done(owner: Member, on_commit: Callable[..., Any]) -> None:
    rows = cnipa_rows()
    with on_commit():
        response = owner.client.post(reverse("catalog:import_new"), {
            "organisation_id": owner.organisation.pk,
            "file": upload(xlsx_bytes([rows[0], *rows[1:], rows[3]]), "cnipa.xlsx"),
        })

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:import_job", args=[job.pk])
    page = owner.client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "hx-trigger=\"every 1s\"" not in html
    assert '<div class="value">10</div><div class="label">created</div>' in html
    assert '<div class="value">1</div><div class="label">rows refused</div>' in html
    cells = re.sub(r"<td [^>]*>", "<td>", html)  # without their phone captions (data-label)
    assert ("<tr><td>12</td><td>申请号</td><td>The same patent is on row 4 of this file; each patent may "
            "appear once.</td></tr>") in cells
    assert Patent.objects.filter(asset__holder=owner.organisation).count() == 10


def test_the_job_page_polls_while_the_import_runs(owner: Member) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, total_rows=400,
                                               processed_rows=100)

    fragment = owner.client.get(reverse("catalog:import_job", args=[job.pk]), headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="import-progress" hx-get="')
    assert 'hx-trigger="every 1s"' in html
    assert 'max="100" value="25"' in html
    assert "100 of 400 rows processed" in html
    assert "<html" not in html


def test_a_refused_upload_shows_on_the_form_and_writes_nothing(owner: Member,
                                                              on_commit: Callable[..., Any]) -> None:
    with on_commit():
        response = owner.client.post(reverse("catalog:import_new"), {
            "organisation_id": owner.organisation.pk, "file": upload(b"\x89PNG\r\n\x1a\n\x00\x00", "scan.png")})

    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [NOT_A_SPREADSHEET]}
    assert_nothing_written()


def test_others_cannot_see_a_job(owner: Member, outsider: Member) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))
    url = reverse("catalog:import_job", args=[job.pk])

    assert outsider.client.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


# --- API --------------------------------------------------------------------------------------

def bearer(member: Member) -> dict[str, str]:
    _token, key = api_token_create(user=member.user, token=TokenInput.parse(name="import"))
    return {"Authorization": f"Bearer {key}"}


def test_api_upload_returns_202_with_the_job(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        response = Client().post("/api/v1/imports", {"organisation_id": owner.organisation.pk,
                                                     "file": upload(GOOD_AND_BAD)}, headers=bearer(owner))

    assert response.status_code == 202
    body = response.json()
    job = ImportJob.objects.get()
    assert (body["id"], body["status"], body["file_name"], body["organisation_id"]) == (
        job.pk, "queued", "patents.csv", owner.organisation.pk)

    status = owner.client.get(f"/api/v1/imports/{job.pk}")
    assert status.status_code == 200
    body = status.json()
    assert {key: body[key] for key in ("status", "total_rows", "processed_rows", "progress_percent",
                                       "created_count", "updated_count", "error_count", "errors",
                                       "errors_omitted", "message")} == {
        "status": "done", "total_rows": 3, "processed_rows": 3, "progress_percent": 100, "created_count": 2,
        "updated_count": 0, "error_count": 1, "errors_omitted": 0, "message": "",
        "errors": [{"row": 3, "column": "Title", "message": "Title is required."}],
    }


def test_api_refusals(owner: Member, outsider: Member, settings: Any, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        anonymous = Client().post("/api/v1/imports", {"organisation_id": owner.organisation.pk,
                                                      "file": upload(GOOD_AND_BAD)})
        not_member = Client().post("/api/v1/imports", {"organisation_id": owner.organisation.pk,
                                                       "file": upload(GOOD_AND_BAD)}, headers=bearer(outsider))
        not_spreadsheet = Client().post("/api/v1/imports", {"organisation_id": owner.organisation.pk,
                                                            "file": upload(b"\x00\x01\x02", "x.xlsx")},
                                        headers=bearer(owner))
        settings.IPX_MAX_UPLOAD_BYTES = 10
        too_large = Client().post("/api/v1/imports", {"organisation_id": owner.organisation.pk,
                                                      "file": upload(GOOD_AND_BAD)}, headers=bearer(owner))
        no_file = Client().post("/api/v1/imports", {"organisation_id": owner.organisation.pk},
                                headers=bearer(owner))

    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "not_authenticated")
    assert not_member.status_code == 403
    assert not_member.json() == {"error": {"code": "forbidden", "message": "You are not a member of this "
                                                                           "organisation.", "fields": {}}}
    assert not_spreadsheet.status_code == 400
    assert not_spreadsheet.json() == {"error": {"code": "not_a_spreadsheet", "message": NOT_A_SPREADSHEET,
                                                "fields": {"file": NOT_A_SPREADSHEET}}}
    assert (too_large.status_code, too_large.json()["error"]["code"]) == (413, "too_large")
    assert (no_file.status_code, no_file.json()["error"]["code"]) == (400, "invalid")
    assert_nothing_written()


def test_api_job_is_visible_to_members_only(owner: Member, outsider: Member) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(GOOD_AND_BAD))
    url = f"/api/v1/imports/{job.pk}"

    assert owner.client.get(url).status_code == 200
    assert outsider.client.get(url).status_code == 404
    assert outsider.client.get(url).json()["error"] == {"code": "not_found", "message": "No such import.",
                                                        "fields": {}}
    assert Client().get(url).status_code == 401
    assert Client().get(url, headers=bearer(outsider)).status_code == 404
    assert owner.client.get("/api/v1/imports/999999").status_code == 404
    assert owner.client.get("/api/v1/imports/0").status_code == 400


def test_a_file_damaged_halfway_fails_the_job_with_the_rows_before_it(owner: Member,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       on_commit: Callable[..., Any]) -> None:
    monkeypatch.setattr("ipx.catalog.importing.services.open_sheet", lambda handle: damaged_sheet(3))

    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD))

    job.refresh_from_db()
    assert (job.status, job.message, job.processed_rows, job.created_count, job.error_count) == (
        ImportJob.Status.FAILED, "Row 5 of the workbook cannot be read: the file is damaged.", 3, 3, 0)
    assert Patent.objects.count() == 3
