"""Match pages: the listings that may solve a demand (on the demand's page), and the demands
and likely buyers of a listing (on the listing's page). Both pages load these parts by HTMX;
asked for directly, each is a page of its own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import PermissionDenied
from ipx.core.htmx import is_htmx_fragment
from ipx.matching.demands.selectors import is_poster
from ipx.matching.matches import index, selectors
from ipx.matching.matches.buyers import likely_buyers, market_interest
from ipx.matching.matches.handlers import queue_catch_up
from ipx.matching.matches.preparation import matches_state
from ipx.matching.matches.services import matches_recompute
from ipx.matching.models import DemandMatch, DemandMatchRun
from ipx.tasks.runner import enqueue


@login_required
@require_GET
def demand_matches(request: AuthenticatedRequest, demand_id: int) -> HttpResponse:
    user = request.user
    demand = selectors.demand_for_matches(user, demand_id)
    run = DemandMatchRun.objects.filter(demand=demand).first()
    matches = selectors.demand_match_views(demand)
    no_good_match = selectors.no_good_match(run)
    state = matches_state(demand, [match.terms for match in matches], nothing_fits=no_good_match is not None)
    context = {
        "demand": demand, "matches": matches, "is_poster": is_poster(user, demand), "run": run,
        "by_words_only": run is not None and run.method == DemandMatch.Method.LEXICAL, "state": state,
        "no_good_match": no_good_match,
    }
    if (context["by_words_only"] or state.preparation) and index.current_embedder() is not None:
        # Ranked before the catalogue's vectors existed, or some are still missing: compute
        # them now, in the background, and rank again (one catch-up at a time).
        queue_catch_up()
    template = ("matching/matches/_demand_matches.html" if is_htmx_fragment(request)
                else "matching/matches/demand_matches.html")
    return render(request, template, context)


@login_required
@require_POST
def refresh(request: AuthenticatedRequest, demand_id: int) -> HttpResponse:
    user = request.user
    demand = selectors.demand_for_matches(user, demand_id)
    if not is_poster(user, demand):
        raise PermissionDenied(_("Only members of the posting organisation may refresh its matches."))
    enqueue(matches_recompute, demand_id=demand.pk)
    messages.success(request, _("The matches are being updated."))
    return redirect("matching:detail", demand.pk)


@login_required
@require_GET
def listing_matches(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    user = request.user
    listing = selectors.listing_for_seller(user, listing_id)
    context = {
        "listing": listing,
        "matches": selectors.listing_match_views(user, listing),
        "buyers": likely_buyers(user, listing),
        "market_interest": market_interest(listing),
    }
    template = ("matching/matches/_listing_matches.html" if is_htmx_fragment(request)
                else "matching/matches/listing_matches.html")
    return render(request, template, context)
