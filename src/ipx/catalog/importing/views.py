"""Pages for importing patents: upload, the template, and the job's progress and report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.catalog.importing import selectors, template
from ipx.catalog.importing.follow_ups import follow_ups as import_follow_ups
from ipx.catalog.importing.forms import ImportForm
from ipx.catalog.importing.services import import_job_create
from ipx.core.errors import ApplicationError
from ipx.core.htmx import is_htmx_fragment

RECENT_JOBS = 10


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: AuthenticatedRequest) -> HttpResponse:
    current, memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        organisations=[(m.organisation_id, m.organisation.name) for m in memberships],
        initial={"organisation_id": current.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                organisation_id=form.cleaned_data["organisation_id"],
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("catalog:import_job", job.pk)
    return render(
        request,
        "catalog/import_new.html",
        {
            "form": form,
            "organisation": current.organisation,
            "jobs": selectors.import_jobs_of(current.organisation_id)[:RECENT_JOBS],
        },
        status=400 if form.errors else 200,
    )


@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        body, content_type = template.template_xlsx(), template.XLSX_CONTENT_TYPE
    elif fmt == "csv":
        body, content_type = template.template_csv(), template.CSV_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ipx-patent-import-template.{fmt}"'
    return response


@login_required
@require_GET
def import_job(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    """The job's page; while it runs, HTMX asks for the progress part every second, and then
    every few seconds while what follows the import (its follow-ups) is not finished."""
    job = selectors.import_job_visible(request.user, job_id)
    template_name = (
        "catalog/_import_progress.html" if is_htmx_fragment(request) else "catalog/import_job.html"
    )
    follow_ups = import_follow_ups(job)
    return render(request, template_name, {
        "job": job, "follow_ups": follow_ups, "following": any(not f.finished for f in follow_ups)})
