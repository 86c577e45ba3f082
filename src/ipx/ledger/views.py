"""Ledger pages: an organisation's statement with its balances, deposit and payout forms, the
CSV export, and the platform's totals for operators."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.accounts.mfa.stepup import may_commit, step_up_page
from ipx.accounts.models import Membership, Organisation, User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from ipx.core.htmx import is_htmx_fragment
from ipx.core.money import MINOR_UNITS
from ipx.core.pagination import PageRequest, page_count
from ipx.ledger import selectors, services
from ipx.ledger.forms import DepositForm, MoneyForm, PayoutForm, StatementFilter
from ipx.ledger.idempotency import idempotent_form, provider_reference_for

PAGE_SIZE = 50
CSV_CHUNK = 2000


def _membership(user: User, organisation_id: int) -> Membership | None:
    return memberships_of(user).filter(organisation_id=organisation_id).first()


def _filters(request: HttpRequest) -> tuple[StatementFilter, dict[str, Any]]:
    form = StatementFilter(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, {"date_from": data.get("date_from"), "date_to": data.get("date_to"),
                      "currency": data.get("currency") or ""}
    return form, {}


def _statement_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    filter_form, filters = _filters(request)
    statement = selectors.Statement(organisation.pk, **filters)
    page = PageRequest.parse(request.GET.get("page", 1), PAGE_SIZE)
    count = statement.count()
    return {
        "organisation": organisation, "filter_form": filter_form, "count": count,
        "lines": statement.lines(offset=page.offset, limit=page.size, newest_first=True),
        "page": page.page, "pages": page_count(count, page.size),
        "query": request.GET.urlencode(),
    }


def _page(request: AuthenticatedRequest, organisation: Organisation, *, deposit_form: DepositForm | None = None,
          payout_form: PayoutForm | None = None, status: int | None = None) -> HttpResponse:
    membership = _membership(request.user, organisation.pk)
    context = _statement_context(request, organisation)
    status = status or (400 if context["filter_form"].errors else 200)
    if is_htmx_fragment(request):
        return render(request, "ledger/_statement.html", context, status=status)
    may_pay_out = membership is not None and membership.binds
    # The forms are for members; money moves only for verified organisations (the services say so too).
    may_move = membership is not None and organisation.is_verified
    context.update({
        "balances": selectors.balances_of(organisation.pk),
        "is_member": membership is not None,
        "deposit_form": (deposit_form or DepositForm()) if may_move else None,
        "payout_form": (payout_form or PayoutForm()) if may_move and may_pay_out else None,
    })
    return render(request, "ledger/statement.html", context, status=status)


@login_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Operators see the platform; members go to their current organisation's statement."""
    if request.user.is_operator:
        report = selectors.ledger_check()
        return render(request, "ledger/platform.html", {
            "totals": selectors.platform_totals(), "report": report})
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    return redirect("ledger:statement", current.organisation_id)


@login_required
@require_GET
def statement(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.access_ledger(request.user, organisation_id)
    return _page(request, organisation)


def _money_action(request: AuthenticatedRequest, organisation_id: int, form: MoneyForm, *,
                  run: Callable[[dict[str, Any]], dict[str, Any]], done: str, again: str) -> HttpResponse:
    """Run a money form's service once per rendered form; refusals come back onto the form."""
    organisation = selectors.access_ledger(request.user, organisation_id)
    if form.is_valid():
        try:
            replayed, _body = idempotent_form(request, lambda: run(form.cleaned_data))
        except (PermissionDenied, NotFound):
            raise  # not this form's to show: the error page says who may
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, again if replayed else done)
            return redirect("ledger:statement", organisation.pk)
    form.renew_key()
    forms: dict[str, Any] = {"deposit_form" if isinstance(form, DepositForm) else "payout_form": form}
    return _page(request, organisation, status=400, **forms)


@login_required
@require_POST
def deposit(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    user = request.user

    def run(data: dict[str, Any]) -> dict[str, Any]:
        entry = services.deposit_create(organisation_id=organisation_id, actor=user, amount=data["amount"],
                                        currency=data["currency"],
                                        reference=provider_reference_for(request, "deposit"))
        return {"transaction_id": entry.pk}

    return _money_action(request, organisation_id, DepositForm(request.POST), run=run,
                         done=_("The deposit was received and added to the available balance."),
                         again=_("This deposit was already recorded; it was not made twice."))


@login_required
@require_POST
def payout(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    user = request.user
    # Money leaving the exchange: a second factor passed minutes ago (then back to the form).
    asked = step_up_page(request, back=reverse("ledger:statement", args=[organisation_id]),
                         applies=may_commit(user, organisation_id))
    if asked is not None:
        return asked

    def run(data: dict[str, Any]) -> dict[str, Any]:
        sent = services.payout_create(organisation_id=organisation_id, actor=user, amount=data["amount"],
                                      currency=data["currency"], bank_account=data["bank_account"],
                                      reference=provider_reference_for(request, "payout"))
        return {"payout_id": sent.pk, "transaction_id": sent.transaction_id}

    return _money_action(request, organisation_id, PayoutForm(request.POST), run=run,
                         done=_("The payout was sent to the bank account."),
                         again=_("This payout was already sent; it was not made twice."))


# --- CSV export ----------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str) -> str:
    # A spreadsheet runs a cell starting like a formula; a leading apostrophe keeps it text.
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _amount_cell(value: Any, currency: str) -> str:
    return f"{value:.{MINOR_UNITS.get(currency, 2)}f}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(statement: selectors.Statement, language: str) -> Iterator[str]:
    # The rows are made while the response is sent, after the view returned: keep its language.
    with translation.override(language):
        yield from _csv_lines(statement)


def _csv_lines(statement: selectors.Statement) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark tells Excel the file is UTF-8, so Chinese names open correctly.
    yield "\ufeff" + writer.writerow([
        _("Date"), _("Transaction"), _("Type"), _("Memo"), _("Reference"), _("Payment provider reference"),
        _("Account"), _("Account reference"), _("Currency"), _("Amount"), _("Balance")])
    offset = 0
    while True:
        lines = statement.lines(offset=offset, limit=CSV_CHUNK)
        for line in lines:
            yield writer.writerow([
                timezone.localtime(line.created_at).strftime("%Y-%m-%d %H:%M:%S"), line.transaction_id,
                line.kind_label, _text_cell(line.description), _text_cell(line.reference),
                _text_cell(line.provider_reference), line.account_label, _text_cell(line.account_reference),
                line.currency, _amount_cell(line.amount, line.currency), _amount_cell(line.balance, line.currency),
            ])
        if len(lines) < CSV_CHUNK:
            return
        offset += CSV_CHUNK


def _filename(organisation_id: int, filters: dict[str, Any]) -> str:
    parts = [f"statement-{organisation_id}"]
    for name in ("date_from", "date_to"):
        value = filters.get(name)
        if isinstance(value, date):
            parts.append(value.isoformat())
    if filters.get("currency"):
        parts.append(filters["currency"])
    return "-".join(parts) + ".csv"


@login_required
@require_GET
def statement_csv(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse | StreamingHttpResponse:
    organisation = selectors.access_ledger(request.user, organisation_id)
    form, filters = _filters(request)
    if form.errors:
        raise ValidationFailed(_("Correct the statement's dates first."),
                               fields={name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()})
    statement = selectors.Statement(organisation.pk, **filters)
    response = StreamingHttpResponse(_csv_rows(statement, get_language()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(organisation.pk, filters)}"'
    return response
