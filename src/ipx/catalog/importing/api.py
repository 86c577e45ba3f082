"""Imports in the API: upload a patent inventory, then follow its job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from ipx.accounts.api_auth import user_auth
from ipx.catalog.importing import selectors, services
from ipx.catalog.models import ImportJob
from ipx.core.api.schemas import ERRORS, ErrorOut, Id
from ipx.core.errors import NotAuthenticated

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


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


def _user(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in or send an API token."))
    return request.user


@router.post(
    "/imports",
    response={202: ImportJobOut, 413: ErrorOut, **ERRORS},
    auth=user_auth,
    summary="Upload a patent inventory (XLSX or CSV) to import in the background",
)
def import_create(
    request: HttpRequest, organisation_id: Form[Id], file: File[UploadedFile]
) -> Status[ImportJob]:
    job = services.import_job_create(
        organisation_id=organisation_id, actor=_user(request), uploaded_file=file
    )
    return Status(202, selectors.import_job_visible(_user(request), job.pk))


@router.get(
    "/imports/{job_id}",
    response={200: ImportJobOut, **ERRORS},
    auth=user_auth,
    summary="An import's status, progress and row report (members of its organisation)",
)
def import_detail(request: HttpRequest, job_id: Id) -> ImportJob:
    return selectors.import_job_visible(_user(request), job_id)
