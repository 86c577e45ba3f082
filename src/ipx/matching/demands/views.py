"""Demand pages: the public board, a demand, the poster's forms and list."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.current import current_membership
from ipx.accounts.models import User
from ipx.catalog.reference import ipc_top_titles
from ipx.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ipx.core.htmx import is_htmx_fragment
from ipx.core.pagination import PageRequest, page_count
from ipx.matching.demands import selectors, services
from ipx.matching.demands.selectors import IPC_SECTIONS
from ipx.matching.forms import CloseForm, DemandForm
from ipx.matching.models import Demand


@dataclass(frozen=True)
class DemandRow:
    """A demand as one reader sees it: with its organisation, or without (anonymous)."""

    demand: Demand
    shows_organisation: bool


def _rows(user: User, demands: list[Demand]) -> list[DemandRow]:
    ids = selectors.member_organisation_ids(user)
    return [DemandRow(d, selectors.shows_organisation(user, d, ids)) for d in demands]


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The public board; HTMX requests get only the results part."""
    language = getattr(request, "LANGUAGE_CODE", "en")
    titles = ipc_top_titles(language)
    context: dict[str, object] = {
        "params": request.GET, "sections": [(s, titles.get(s, s)) for s in IPC_SECTIONS],
        "options": selectors.board_options(),
    }
    status = 200
    try:
        filters = selectors.parse_board_filters(request.GET)
    except ValidationFailed as exc:
        context["error"] = exc
        status = 400
    else:
        demands = selectors.published_demands(filters)
        request_page = PageRequest.parse(request.GET.get("page", 1))
        total = demands.count()
        page_demands = list(demands[request_page.offset:request_page.offset + request_page.size])
        context.update(filters=filters, rows=_rows(request.user, page_demands), total=total,  # type: ignore[arg-type]
                       page=request_page.page, pages=page_count(total, request_page.size))
    template = "matching/_board_results.html" if is_htmx_fragment(request) else "matching/board.html"
    return render(request, template, context, status=status)


@require_GET
def detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    demand = selectors.demand_visible(user, demand_id)
    ids = selectors.member_organisation_ids(user)
    is_poster = selectors.is_poster(user, demand, ids)
    insider = is_poster or getattr(user, "is_operator", False)
    return render(request, "matching/detail.html", {
        "demand": demand,
        "shows_organisation": selectors.shows_organisation(user, demand, ids),
        "is_poster": is_poster,
        "insider": insider,
        "can_edit": is_poster and demand.status in services.EDITABLE_STATUSES,
        "ipc": selectors.ipc_labels(demand.ipc_codes, getattr(request, "LANGUAGE_CODE", "en")),
        "events": demand.events.select_related("actor").order_by("-id")[:20] if insider else [],
    })


def _form_page(request: HttpRequest, form: DemandForm, demand: Demand | None) -> HttpResponse:
    return render(request, "matching/form.html", {"form": form, "demand": demand},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    form = DemandForm(request.POST or None, initial={"region_kind": "any", "visibility": "public"})
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(organisation_id=current.organisation_id, actor=request.user,  # type: ignore[arg-type]
                                            data=form.service_data())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("matching:detail", demand.pk)
    return _form_page(request, form, None)


def _posters_demand(request: HttpRequest, demand_id: int) -> Demand:
    user: User = request.user  # type: ignore[assignment]
    demand = selectors.demand_visible(user, demand_id)
    if not selectors.is_poster(user, demand):
        raise PermissionDenied(_("Only members of the posting organisation may change this demand."))
    return demand


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = _posters_demand(request, demand_id)
    form = DemandForm(request.POST or None, initial=DemandForm.initial_for(demand))
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(demand_id=demand.pk, actor=request.user, data=form.service_data())  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("matching:detail", demand.pk)
    return _form_page(request, form, demand)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = _posters_demand(request, demand_id)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_close(demand_id=demand.pk, actor=request.user,  # type: ignore[arg-type]
                                  note=form.cleaned_data["note"], solved=form.cleaned_data["solved"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The demand is closed."))
            return redirect("matching:detail", demand.pk)
    return render(request, "matching/close.html", {"form": form, "demand": demand},
                  status=400 if form.errors else 200)


# Each workflow button posts here; the service decides whether the step is allowed.
_ACTIONS = {
    "submit": (services.demand_submit, gettext_lazy("Submitted for review.")),
    "recall": (services.demand_recall, gettext_lazy("Back to draft; edit it and submit again.")),
}


@login_required
@require_POST
def action(request: HttpRequest, demand_id: int, name: str) -> HttpResponse:
    if name not in _ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    run, done = _ACTIONS[name]
    user: User = request.user  # type: ignore[assignment]
    selectors.demand_visible(user, demand_id)
    try:
        run(demand_id=demand_id, actor=user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("matching:detail", demand_id)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The demands of the organisation the member acts for."""
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    status = request.GET.get("status", "")
    if status not in Demand.Status.values:
        status = ""
    demands = list(selectors.demands_of_organisations([current.organisation_id], status=status or None)[:500])
    return render(request, "matching/mine.html", {
        "organisation": current.organisation, "demands": demands, "status_filter": status,
        "statuses": Demand.Status.choices,
    })
