"""The expo's back-office for an exhibitor (its hall and booth, the exhibits it shows) and for an
event (a live stream's viewers, a ceremony's signed agreements). Each form runs the service the
API runs; a refusal comes back on the form (400) with its fields marked, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import User
from ipx.core.errors import ValidationFailed
from ipx.core.forms import ServiceForm
from ipx.core.pages import form_step
from ipx.expo import selectors
from ipx.expo.forms import BoothForm, ExhibitForm, SigningForm, ViewersForm
from ipx.expo.models import Edition, Event, Exhibitor
from ipx.expo.services.exhibition import (
    SigningInput,
    booth_assign,
    exhibit_add,
    require_operator,
    signing_add,
    viewers_record,
)
from ipx.listings.selectors import published_listings_of

Step = tuple[Callable[[dict[str, Any]], object], str]


def _titles() -> dict[str, str]:
    return {"booth": _("Hall and booth"), "exhibit": _("Show an exhibit"), "viewers": _("Viewers of the stream"),
            "signing": _("Record an agreement signed")}


def sections(forms: dict[str, ServiceForm]) -> list[tuple[str, str, ServiceForm]]:
    """The page's forms with their headings, in the page's order."""
    titles = _titles()
    return [(name, titles[name], form) for name, form in forms.items()]


def _sent(request: AuthenticatedRequest, forms: dict[str, ServiceForm], makers: dict[str, Callable[..., ServiceForm]],
          steps: dict[str, Step], back: str,
          page: Callable[[dict[str, ServiceForm], int], HttpResponse]) -> HttpResponse:
    """The page's forms (``forms``, empty) on a GET; on a POST the one named by ``form`` run
    through its service: done, back to the page; refused, the page again with it marked (400)."""
    if request.method != "POST":
        return page(forms, 200)
    name = request.POST.get("form", "")
    if name not in makers:
        raise ValidationFailed(_("This page has no such form."))
    run, done = steps[name]
    return form_step(request, makers[name](request.POST), run, back=back, done=done,
                     again=lambda sent: page({**forms, name: sent}, 400))


def _booth_form(edition: Edition, exhibitor: Exhibitor, data: Any = None) -> BoothForm:
    form = BoothForm(data, prefix="booth", initial={"hall_id": exhibitor.hall_id, "booth": exhibitor.booth})
    form.set_choices("hall_id", [("", "—"), *((hall.pk, hall.name) for hall in selectors.halls_of(edition))])
    return form


def _exhibit_form(edition: Edition, exhibitor: Exhibitor, data: Any = None) -> ExhibitForm:
    form = ExhibitForm(data, prefix="exhibit")
    form.set_choices("zone_id", [("", "—"), *((zone.pk, zone.name) for zone in selectors.zones_of(edition))])
    form.set_choices("listing_id", [("", "—"), *((listing.pk, listing.title) for listing in
                                                 published_listings_of(exhibitor.organisation_id)[:200])])
    return form


def _show(operator: User, exhibitor: Exhibitor, data: dict[str, Any]) -> object:
    counts = {name: data[name] or 0 for name in ("patents", "trademarks", "copyrights")}
    return exhibit_add(actor=operator, exhibitor_id=exhibitor.pk, kind=data["kind"], ip_type=data["ip_type"],
                       title=data["title"], zone_id=data["zone_id"], listing_id=data["listing_id"], **counts)


@login_required
@require_http_methods(["GET", "POST"])
def manage_exhibitor(request: AuthenticatedRequest, slug: str, exhibitor_id: int) -> HttpResponse:
    require_operator(request.user)
    edition = selectors.edition_by_slug(slug)
    exhibitor = selectors.exhibitor_in(edition, exhibitor_id)
    back = reverse("expo:manage_exhibitor", args=[edition.slug, exhibitor.pk])
    makers: dict[str, Callable[..., ServiceForm]] = {
        "booth": lambda data=None: _booth_form(edition, exhibitor, data),
        "exhibit": lambda data=None: _exhibit_form(edition, exhibitor, data)}
    steps: dict[str, Step] = {
        "booth": (lambda data: booth_assign(operator=request.user, exhibitor_id=exhibitor.pk,
                                            hall_id=data["hall_id"], booth=data["booth"]),
                  _("The booth is saved.")),
        "exhibit": (lambda data: _show(request.user, exhibitor, data), _("The exhibit is shown.")),
    }

    def page(forms: dict[str, ServiceForm], status: int) -> HttpResponse:
        exhibitor.refresh_from_db()  # a refused form leaves the exhibitor as saved
        return render(request, "expo/manage_exhibitor.html", {
            "edition": edition, "exhibitor": exhibitor, "sections": sections(forms),
            "exhibits": selectors.exhibits_in(edition, exhibitor=exhibitor)[:200]}, status=status)

    return _sent(request, {name: make() for name, make in makers.items()}, makers, steps, back, page)


def _signing_input(data: dict[str, Any]) -> SigningInput:
    parties = tuple(line.strip() for line in data["parties"].splitlines() if line.strip())
    # A rate left empty is no rate: the service asks for one unless the amount is in CNY.
    rate = data["fx_rate_to_cny"] if data["fx_rate_to_cny"] is not None else Decimal(0)
    return SigningInput(parties=parties, subject=data["subject"], ip_type=data["ip_type"], amount=data["amount"],
                        currency=data["currency"], fx_rate_to_cny=rate)


@login_required
@require_http_methods(["GET", "POST"])
def manage_event(request: AuthenticatedRequest, slug: str, event_id: int) -> HttpResponse:
    require_operator(request.user)
    edition = selectors.edition_by_slug(slug)
    event = get_object_or_404(selectors.schedule_of(edition), pk=event_id)
    back = reverse("expo:manage_event", args=[edition.slug, event.pk])
    makers: dict[str, Callable[..., ServiceForm]] = {
        "viewers": lambda data=None: ViewersForm(data, prefix="viewers", initial={"viewers": event.viewer_count}),
        "signing": lambda data=None: SigningForm(data, prefix="signing"),
    }

    steps: dict[str, Step] = {
        "viewers": (lambda data: viewers_record(operator=request.user, event_id=event.pk, viewers=data["viewers"]),
                    _("The number of viewers is saved.")),
        "signing": (lambda data: signing_add(operator=request.user, event_id=event.pk, data=_signing_input(data)),
                    _("The agreement is recorded; it counts as an intended agreement of the edition.")),
    }
    # What an event of its kind takes: a live stream its viewers, a ceremony its agreements.
    offered = {Event.Kind.LIVE_STREAM: "viewers", Event.Kind.SIGNING: "signing"}.get(Event.Kind(event.kind))

    def page(forms: dict[str, ServiceForm], status: int) -> HttpResponse:
        shown = get_object_or_404(selectors.schedule_of(edition), pk=event.pk)
        return render(request, "expo/manage_event.html", {
            "edition": edition, "event": shown, "sections": sections(forms)}, status=status)

    return _sent(request, {offered: makers[offered]()} if offered else {}, makers, steps, back, page)
