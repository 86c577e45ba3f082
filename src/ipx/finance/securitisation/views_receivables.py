"""The originator's receivables: entering one (from its own concluded licence deal, or from an
off-platform contract with the contract's document), its page (schedule, what was paid, the
document) and the servicer's marking of a payer late, defaulted, paid or current again."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import PermissionDenied
from ipx.core.files import private_file_response
from ipx.core.forms import ServiceForm
from ipx.core.pages import form_step
from ipx.deals.models import Commitment, Deal, DealKind
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.forms import MarkForm, ReceivableForm
from ipx.finance.securitisation.inputs import ReceivableIn
from ipx.finance.securitisation.services import receivables
from ipx.finance.securitisation.views import binding_organisations, form_page, verified_organisations
from ipx.finance.views import run_step


def licence_deals(organisation_ids: list[int]) -> list[tuple[int, str]]:
    """The concluded licence deals the viewer's organisations granted, not yet receivables."""
    deals = (Deal.objects.filter(seller_id__in=organisation_ids, kind=DealKind.LICENCE,
                                 commitment=Commitment.CONCLUDED, status__in=receivables.CONCLUDED_STATUSES)
             .filter(Q(abs_receivables__isnull=True)).select_related("buyer").order_by("-pk")[:200])
    return [(d.pk, _("Deal #%(deal)s with %(buyer)s") % {"deal": d.pk, "buyer": d.buyer.name}) for d in deals]


def schedule_field(name: str) -> str:
    """A schedule row's error belongs on the schedule box."""
    return "schedule" if name.startswith("schedule.") else name


@login_required
@require_http_methods(["GET", "POST"])
def receivable_new(request: AuthenticatedRequest) -> HttpResponse:
    originators = binding_organisations(request)
    if not originators:
        raise PermissionDenied(_("Receivables are entered by a verified originator's administrators or "
                                 "signatories."))
    form = ReceivableForm(request.POST or None, request.FILES or None, originators=originators,
                          deals=licence_deals([pk for pk, _name in originators]), payers=verified_organisations())

    def run() -> str:
        data = form.cleaned_data
        receivable = receivables.receivable_add(actor=request.user, values=ReceivableIn(
            originator_id=data["originator_id"], source=data["source"], schedule=form.instalments(),
            deal_id=data["deal_id"] or None, payer_id=data["payer_id"] or None, payer_name=data["payer_name"],
            contract_reference=data["contract_reference"], contract_file=data["contract_file"],
            description=data["description"], currency=data["currency"]))
        return reverse("securitisation:receivable", args=[receivable.pk])

    return form_page(request, form, run, title=_("New receivable"), back=reverse("securitisation:home"),
                     done=_("The receivable is entered."), moved=schedule_field)


@login_required
@require_GET
def receivable_detail(request: AuthenticatedRequest, receivable_id: int) -> HttpResponse:
    return _receivable_page(request, receivable_id)


def _receivable_page(request: AuthenticatedRequest, receivable_id: int, *, sent: ServiceForm | None = None
                     ) -> HttpResponse:
    """The receivable's page; ``sent``: the servicer's marking sent back with its problems (400)."""
    receivable = selectors.receivable_for(request.user, receivable_id)
    entry = receivables.live_entry(receivable)
    return render(request, "finance/securitisation/receivable.html", {
        "receivable": receivable, "instalments": list(receivable.instalments.all()), "entry": entry,
        "contract": getattr(receivable, "contract", None) if receivable.source == receivable.Source.CONTRACT
        else None,
        "mark_form": sent or (MarkForm(prefix="mark") if receivables.MARKS[receivable.status] else None)},
        status=200 if sent is None else 400)


@login_required
@require_POST
def receivable_mark(request: AuthenticatedRequest, receivable_id: int) -> HttpResponse:
    receivable = selectors.receivable_for(request.user, receivable_id)
    back = reverse("securitisation:receivable", args=[receivable_id])
    done = _("The receivable's status is changed.")
    if receivables.MARKS[receivable.status] and receivables.may_mark(
            request.user, receivable, receivables.live_entry(receivable)):
        # The servicer, shown the form, sees what is wrong on it; the service answers the others.
        return form_step(request, MarkForm(request.POST, prefix="mark"), lambda data: receivables.receivable_mark(
            actor=request.user, receivable_id=receivable_id, status=data["status"], note=data["note"]),
            back=back, done=done, again=lambda form: _receivable_page(request, receivable_id, sent=form))
    return run_step(request, back, lambda: receivables.receivable_mark(
        actor=request.user, receivable_id=receivable_id, status=request.POST.get("mark-status", ""),
        note=request.POST.get("mark-note", "")), done)


@login_required
@require_GET
def receivable_contract(request: AuthenticatedRequest, receivable_id: int) -> HttpResponseBase:
    contract = selectors.contract_for(request.user, receivable_id)
    return private_file_response(contract.file, filename=contract.original_name, content_type=contract.content_type)
