"""Saved-search pages: save from the search page, list mine, switch alerts, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import ApplicationError
from ipx.core.htmx import is_htmx_fragment
from ipx.matching.forms import SavedSearchForm
from ipx.matching.saved_searches import selectors, services
from ipx.matching.saved_searches.inputs import SavedSearchChanges


@login_required
@require_GET
def saved_list(request: AuthenticatedRequest) -> HttpResponse:
    searches = selectors.saved_searches_of(request.user)
    return render(request, "matching/saved_searches/list.html", {
        "rows": [(saved, selectors.describe(saved)) for saved in searches],
    })


@login_required
@require_POST
def create(request: AuthenticatedRequest) -> HttpResponse:
    """The search page's "Save this search" form; HTMX gets the form back (saved, or with errors)."""
    form = SavedSearchForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            saved = services.saved_search_create(user=request.user, search=form.search_input())
        except ApplicationError as exc:
            form.add_service_error(exc)
    status = 201 if saved else 400
    if is_htmx_fragment(request):
        return render(request, "matching/saved_searches/_save_form.html",
                      {"form": form, "saved": saved, "query": request.POST.get("query", "")}, status=status)
    if saved is None:
        for message in [*form.non_field_errors(), *(e for f in form for e in f.errors)]:
            messages.error(request, message)
        # Back to the search as it was; re-encoded so nothing but parameters reaches the URL.
        return redirect(f"{reverse('search:listings')}?{QueryDict(request.POST.get('query', '')).urlencode()}")
    messages.success(request, _("Search saved as “%(name)s”.") % {"name": saved.name})
    return redirect("saved_searches:list")


def _row_or_list(request: AuthenticatedRequest, saved_search_id: int) -> HttpResponse:
    if is_htmx_fragment(request):
        saved = selectors.saved_search_of(request.user, saved_search_id)
        return render(request, "matching/saved_searches/_row.html",
                      {"saved": saved, "parts": selectors.describe(saved)})
    return redirect("saved_searches:list")


@login_required
@require_POST
def alerts(request: AuthenticatedRequest, saved_search_id: int) -> HttpResponse:
    """Switch alerts on (``alerts=on``) or off."""
    changes = SavedSearchChanges.parse(alerts=request.POST.get("alerts") in ("on", "true", "1"))
    services.saved_search_update(saved_search_id=saved_search_id, user=request.user, changes=changes)
    return _row_or_list(request, saved_search_id)


@login_required
@require_POST
def delete(request: AuthenticatedRequest, saved_search_id: int) -> HttpResponse:
    services.saved_search_delete(saved_search_id=saved_search_id, user=request.user)
    if is_htmx_fragment(request):
        return HttpResponse("")
    messages.success(request, _("Saved search deleted."))
    return redirect("saved_searches:list")
