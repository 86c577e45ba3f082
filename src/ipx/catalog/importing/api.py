"""Imports in the API: upload a patent inventory, then follow its job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.catalog.importing import selectors, services
from ipx.catalog.importing.follow_ups import FollowUp, follow_ups
from ipx.catalog.importing.workflow import IMPORT_JOB
from ipx.catalog.models import ImportJob
from ipx.core.api.schemas import ERRORS, ErrorOut, Id
from ipx.core.api.types import form_rules

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class FollowUpOut(Schema):
    code: str = Field(description="whose follow-up: `matching` (the published listings offering the imported "
                                  "patents prepared for meaning-based matching)")
    sentence: str
    finished: bool


class ImportJobOut(Schema):
    id: int
    organisation_id: int
    kind: str
    file_name: str
    status: str
    message: str
    total_rows: int
    processed_rows: int
    progress_percent: int
    created_count: int
    updated_count: int
    error_count: int
    errors: list[RowErrorOut]
    errors_omitted: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    follow_ups: list[FollowUpOut] = Field(description="once the import is done: what the exchange does with its "
                                                     "patents after it, and whether that is finished")
    allowed_actions: list[str] = Field(description="what the reader may do with the job now: nothing, the "
                                                   "exchange runs imports by itself")

    @staticmethod
    def resolve_follow_ups(job: ImportJob) -> list[FollowUp]:
        return follow_ups(job)

    @staticmethod
    def resolve_allowed_actions(job: ImportJob, context: dict[str, Any]) -> list[str]:
        return IMPORT_JOB.allowed_actions(job, context["request"].user)


@router.post(
    "/imports",
    response={202: ImportJobOut, 413: ErrorOut, **ERRORS},
    auth=user_auth,
    summary="Upload a patent inventory (XLSX or CSV) to import in the background",
    openapi_extra=form_rules(file="A named XLSX or CSV file of the exchange's inventory columns, within the upload "
                                  "size limit (413 beyond it)."),
)
def import_create(
    request: HttpRequest, organisation_id: Form[Id], file: File[UploadedFile]
) -> Status[ImportJob]:
    user = api_user(request)
    job = services.import_job_create(organisation_id=organisation_id, actor=user, uploaded_file=file)
    return Status(202, selectors.import_job_visible(user, job.pk))


@router.get(
    "/imports/{job_id}",
    response={200: ImportJobOut, **ERRORS},
    auth=user_auth,
    summary="An import's status, progress and row report (members of its organisation)",
)
def import_detail(request: HttpRequest, job_id: Id) -> ImportJob:
    return selectors.import_job_visible(api_user(request), job_id)
