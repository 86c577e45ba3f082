"""Demand pages: the public board, a demand, the poster's forms and list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.catalog.reference import ipc_top_titles
from ipx.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ipx.core.htmx import is_htmx_fragment
from ipx.core.pagination import PageRequest, page_count
from ipx.matching.demands import selectors, services
from ipx.matching.demands.selectors import IPC_SECTIONS, Reader
from ipx.matching.demands.workflow import DEMAND
from ipx.matching.forms import CloseForm, DemandForm
from ipx.matching.models import Demand
from ipx.matching.notices import history


@dataclass(frozen=True)
class DemandRow:
    """A demand as one reader sees it: with its organisation, or without (anonymous)."""

    demand: Demand
    shows_organisation: bool


def _rows(user: Reader, demands: list[Demand]) -> list[DemandRow]:
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
        context.update(filters=filters, rows=_rows(selectors.reader_of(request), page_demands), total=total,
                       page=request_page.page, pages=page_count(total, request_page.size))
    template = "matching/_board_results.html" if is_htmx_fragment(request) else "matching/board.html"
    return render(request, template, context, status=status)


@require_GET
def detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    user = selectors.reader_of(request)
    demand = selectors.demand_visible(user, demand_id)
    ids = selectors.member_organisation_ids(user)
    is_poster = selectors.is_poster(user, demand, ids)
    insider = is_poster or getattr(user, "is_operator", False)
    events = list(demand.events.select_related("actor").order_by("-id")[:20]) if insider else []
    return render(request, "matching/detail.html", {
        "demand": demand,
        "shows_organisation": selectors.shows_organisation(user, demand, ids),
        "insider": insider,
        # Every button of the page is one of these: the services accept exactly them.
        "allowed": DEMAND.allowed_actions(demand, user),
        "ipc": selectors.ipc_labels(demand.ipc_codes, getattr(request, "LANGUAGE_CODE", "en")),
        "history": history(events),
    })


def _form_page(request: HttpRequest, form: DemandForm, demand: Demand | None) -> HttpResponse:
    return render(request, "matching/form.html", {"form": form, "demand": demand},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    form = DemandForm(request.POST or None, initial={"region_kind": "any", "visibility": "public"})
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(organisation_id=current.organisation_id, actor=request.user,
                                            demand=form.demand_input())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("matching:detail", demand.pk)
    return _form_page(request, form, None)


def _posters_demand(request: AuthenticatedRequest, demand_id: int, action: str) -> Demand:
    demand = selectors.demand_visible(request.user, demand_id)
    DEMAND.admit(action, demand, request.user)
    return demand


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, demand_id: int) -> HttpResponse:
    demand = _posters_demand(request, demand_id, "edit")
    form = DemandForm(request.POST or None, initial=DemandForm.initial_for(demand))
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(demand_id=demand.pk, actor=request.user, changes=form.demand_changes())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("matching:detail", demand.pk)
    return _form_page(request, form, demand)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: AuthenticatedRequest, demand_id: int) -> HttpResponse:
    demand = _posters_demand(request, demand_id, "close")
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_close(demand_id=demand.pk, actor=request.user,
                                  note=form.cleaned_data["note"], solved=form.cleaned_data["solved"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The demand is closed."))
            return redirect("matching:detail", demand.pk)
    return render(request, "matching/close.html", {"form": form, "demand": demand},
                  status=400 if form.errors else 200)


def _approve(request: AuthenticatedRequest, demand_id: int) -> object:
    return services.demand_approve(demand_id=demand_id, operator=request.user, note=request.POST.get("note", ""))


def _reject(request: AuthenticatedRequest, demand_id: int) -> object:
    return services.demand_reject(demand_id=demand_id, operator=request.user, reason=request.POST.get("reason", ""))


# Each workflow button of the demand page posts here; the service decides whether the step
# is allowed (the page shows only the buttons DEMAND.allowed_actions lists).
_ACTIONS: dict[str, tuple[Callable[[AuthenticatedRequest, int], object], Promise]] = {
    "submit": (lambda request, pk: services.demand_submit(demand_id=pk, actor=request.user),
               gettext_lazy("Submitted for review.")),
    "recall": (lambda request, pk: services.demand_recall(demand_id=pk, actor=request.user),
               gettext_lazy("Back to draft; edit it and submit again.")),
    "approve": (_approve, gettext_lazy("The demand is published.")),
    "reject": (_reject, gettext_lazy("The demand is back with the poster.")),
}


@login_required
@require_POST
def action(request: AuthenticatedRequest, demand_id: int, name: str) -> HttpResponse:
    if name not in _ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    run, done = _ACTIONS[name]
    selectors.demand_visible(request.user, demand_id)
    try:
        run(request, demand_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return redirect("matching:detail", demand_id)


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
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
