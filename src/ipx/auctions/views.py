"""Auction pages: the sessions, a session with its lots and the bidders' registration, the
hall of a lot (price, countdown, history and the bid form, updated live), and the operator's
forms and controls. Views are thin: a form collects input, one service acts, a refusal comes
back as form errors or a message, never as a server error."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.auctions import selectors
from ipx.auctions.forms import BidForm, ExtendForm, LotForm, ReasonForm, RefuseForm, RegisterForm, SessionForm
from ipx.auctions.inputs import BidValues, LotValues, SessionValues
from ipx.auctions.models import Registration
from ipx.auctions.services import control, registration, setup
from ipx.auctions.services.bidding import bid_place
from ipx.auctions.settlement.selectors import may_offer_runner_up, settlement_view
from ipx.auctions.workflow import LOT, REGISTRATION, SESSION
from ipx.core.errors import ApplicationError, PermissionDenied
from ipx.live.selectors import stream_url


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = selectors.listed_sessions(request.user)[:200]
    return render(request, "auctions/list.html", {"sessions": sessions, "may_create": may_run_auctions(request.user),
                                                  "is_operator": selectors.is_operator(request.user)})


def _organisation_choices(request: HttpRequest) -> list[tuple[int, str]]:
    _current, memberships = current_membership(request)
    return [(m.organisation_id, m.organisation.name) for m in memberships if m.organisation.is_verified]


def _session_page(request: HttpRequest, session_id: int, *, register_form: RegisterForm | None = None,
                  reason_form: ReasonForm | None = None, refuse_form: RefuseForm | None = None,
                  refuse_id: int | None = None, status: int = 200) -> HttpResponse:
    """The session's page; ``refuse_form``: the refusal of registration ``refuse_id`` sent back
    with its problems."""
    session = selectors.session_for(request.user, session_id)
    mine = selectors.registrations_of(request.user, session)
    choices = [c for c in _organisation_choices(request) if c[0] not in {r.organisation_id for r in mine}] \
        if request.user.is_authenticated else []
    return render(request, "auctions/session.html", {
        "session": session, "lots": selectors.lots_of(session), "mine": mine,
        "register_form": register_form or (RegisterForm(organisations=choices) if choices else None),
        "actions": SESSION.allowed_actions(session, request.user),
        "registrations": session.registrations.select_related("organisation").order_by("status", "id")
        if selectors.is_operator(request.user) else [],
        "reason_form": reason_form or ReasonForm(),
        "refuse_form": refuse_form, "refuse_id": refuse_id,
    }, status=status)


@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, session_id)


@login_required
@require_POST
def session_register(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    form = RegisterForm(request.POST, organisations=_organisation_choices(request))
    if form.is_valid():
        try:
            registration.registration_apply(actor=request.user, session_id=session_id,
                                            organisation_id=form.cleaned_data["organisation"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your application to bid is with the operator."))
            return redirect("auctions:session", session_id)
    return _session_page(request, session_id, register_form=form, status=400)


def run_step(request: AuthenticatedRequest, back: str, run: Any, done: str = "") -> HttpResponse:
    """Run a button's step and go back to ``back``: a refusal is shown there as an error, a
    step done as ``done`` when given."""
    try:
        run()
    except ApplicationError as exc:
        messages.error(request, exc.message if not exc.fields else "; ".join(exc.fields.values()))
    else:
        if done:
            messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def session_action(request: AuthenticatedRequest, session_id: int, action: str) -> HttpResponse:
    back = reverse("auctions:session", args=[session_id])
    if action == "announce":
        return run_step(request, back, lambda: setup.session_announce(operator=request.user,
                                                                            session_id=session_id))
    form = ReasonForm(request.POST)
    if not form.is_valid() and "cancel" in SESSION.allowed_actions(selectors.session_for(request.user, session_id),
                                                                   request.user):
        # The operator, who has the form, sees what is wrong on it; the service answers the others.
        return _session_page(request, session_id, reason_form=form, status=400)
    return run_step(request, back, lambda: setup.session_cancel(
        operator=request.user, session_id=session_id, reason=request.POST.get("reason", "")))


@login_required
@require_POST
def registration_decide(request: AuthenticatedRequest, registration_id: int, action: str) -> HttpResponse:
    found = Registration.objects.filter(pk=registration_id).values_list("session_id", flat=True).first()
    back = reverse("auctions:session", args=[found]) if found else reverse("auctions:list")
    if action == "refuse" and found is not None and REGISTRATION.refusal(
            Registration.objects.get(pk=registration_id), "refuse", request.user) is None:
        # The operator, who has the refusal's form in the registration's row, sees what is
        # wrong on it (ids of its own: the session's cancellation has a reason too).
        form = RefuseForm(request.POST, auto_id=f"id_refuse-{registration_id}-%s")
        if not form.is_valid():
            return _session_page(request, found, refuse_form=form, refuse_id=registration_id, status=400)
    if action == "admit":
        return run_step(request, back, lambda: registration.registration_admit(
            operator=request.user, registration_id=registration_id))
    return run_step(request, back, lambda: registration.registration_refuse(
        operator=request.user, registration_id=registration_id, reason=request.POST.get("reason", "")))


# --- The hall of a lot ----------------------------------------------------------------------

CONTROLS = ("open", "pause", "resume", "extend", "withdraw")  # the operator's; selling and passing are the clock's

def _control_form(action: str, data: Any = None) -> ReasonForm:
    # Each control's own form, its fields prefixed by the action (one page, distinct ids).
    return ExtendForm(data, prefix=action) if action == "extend" else ReasonForm(data, prefix=action)


def hall_context(request: HttpRequest, lot_id: int, *, form: BidForm | None = None,
                 sent: ReasonForm | None = None) -> dict[str, Any]:
    """The hall's page; ``sent``: a control's form sent back with its problems."""
    # The stream's number is read before the lot, so nothing published after it is missed.
    live_url = stream_url("lot", lot_id)
    lot = selectors.lot_for(request.user, lot_id)
    view = selectors.lot_view(lot, request.user)
    controls = [(action, sent if sent is not None and sent.prefix == action else _control_form(action))
                for action in LOT.allowed_actions(lot, request.user) if action in CONTROLS]
    return {"lot": lot, "view": view, "history": selectors.bid_history(lot), "live_url": live_url,
            "form": form or (BidForm() if view.mine_number and lot.status == lot.Status.OPEN else None),
            "controls": controls, "settlement": settlement_view(lot, request.user),
            "runner_up_form": (sent if sent is not None and sent.prefix == "runner_up"
                               else ReasonForm(prefix="runner_up")) if may_offer_runner_up(lot, request.user) else None}


@require_http_methods(["GET", "POST"])
def lot_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    if request.method == "GET":
        return render(request, "auctions/lot.html", hall_context(request, lot_id))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    form = BidForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            lot = selectors.lot_for(request.user, lot_id)
            result = bid_place(actor=request.user, lot_id=lot_id, values=BidValues(
                amount=data["amount"], maximum=data["maximum"], currency=lot.session.currency, key=data["key"]))
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Your bid is in: you lead.") if result.leading else
                             _("Your bid is in, but another bidder's maximum is higher."))
            return redirect("auctions:lot", lot_id)
    return render(request, "auctions/lot.html", hall_context(request, lot_id, form=form), status=400)


@login_required
@require_POST
def lot_action(request: AuthenticatedRequest, lot_id: int, action: str) -> HttpResponse:
    back = reverse("auctions:lot", args=[lot_id])
    form = _control_form(action, request.POST)
    if not form.is_valid():
        # The operator, who has the control's form, sees what is wrong on it; the service
        # answers anyone else (who may not take the step at all).
        context = hall_context(request, lot_id, sent=form)
        if any(shown is form for _action, shown in context["controls"]):
            return render(request, "auctions/lot.html", context, status=400)
    reason = request.POST.get(f"{action}-reason", "")
    steps = {
        "open": lambda: control.lot_open(operator=request.user, lot_id=lot_id, reason=reason),
        "pause": lambda: control.lot_pause(operator=request.user, lot_id=lot_id, reason=reason),
        "resume": lambda: control.lot_resume(operator=request.user, lot_id=lot_id, reason=reason),
        "withdraw": lambda: control.lot_withdraw(operator=request.user, lot_id=lot_id, reason=reason),
        "extend": lambda: control.lot_extend(operator=request.user, lot_id=lot_id, reason=reason,
                                             closes_at=request.POST.get("extend-closes_at", "")),
    }
    return run_step(request, back, steps[action])


# --- The operator's forms -------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: AuthenticatedRequest) -> HttpResponse:
    SESSION.admit("announce", None, request.user)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = setup.session_create(operator=request.user, values=SessionValues(**form.cleaned_data))
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("auctions:session", session.pk)
    return render(request, "auctions/form.html", {"form": form, "title": _("New auction session")},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def lot_new(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    SESSION.admit("announce", None, request.user)
    session = selectors.session_for(request.user, session_id)
    form = LotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            setup.lot_add(operator=request.user, session_id=session.pk, values=LotValues(**form.cleaned_data))
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("auctions:session", session.pk)
    return render(request, "auctions/form.html", {"form": form, "session": session,
                                                  "title": _("Add a lot to “%(session)s”") % {"session": session}},
                  status=400 if form.errors else 200)


def may_run_auctions(user: Any) -> bool:
    try:
        SESSION.admit("announce", None, user)
    except PermissionDenied:
        return False
    return True
