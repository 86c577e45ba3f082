"""Receivables: the licence fees and royalties an originator is owed, entered from its own
concluded licence deals on the exchange or from off-platform contracts (with the contract
document), and their status as the servicer sees the payer pay (current, late, defaulted, paid).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, binds, is_member
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import ZERO, Currency, Money, collect_amount
from ipx.core.uploads import CheckedFile, check_upload
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.deals.models import Commitment, Deal, DealKind, DealMilestone, PaymentStructure
from ipx.finance.models import PoolEntry, Receivable, ReceivableContract, ReceivableInstalment
from ipx.finance.securitisation.inputs import InstalmentIn, ReceivableIn
from ipx.finance.securitisation.notices import investors, tell_securitisation
from ipx.finance.securitisation.workflow import SECURITISATION

MAX_INSTALMENTS = 120
# A licence binds once both sides have signed; a cancelled one is owed nothing.
CONCLUDED_STATUSES = (Deal.Status.SIGNED, Deal.Status.RECORDAL_SUBMITTED, Deal.Status.COMPLETED)
OPEN_MILESTONES = (DealMilestone.Status.PENDING, DealMilestone.Status.FUNDED)
R = Receivable.Status
# What the servicer may mark a receivable as, from each status. Defaulted and paid are final.
MARKS: dict[str, tuple[str, ...]] = {
    R.CURRENT: (R.LATE, R.DEFAULTED, R.PAID),
    R.LATE: (R.CURRENT, R.DEFAULTED, R.PAID),
    R.DEFAULTED: (),
    R.PAID: (),
}


def _whole(value: object) -> int | None:
    text = "" if value is None else str(value).strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def read_schedule(rows: Sequence[InstalmentIn], currency: str, errors: FieldErrors) -> list[tuple[date, Decimal]]:
    """The schedule's rows in date order: 1 to MAX_INSTALMENTS, each a date and an amount."""
    if not 1 <= len(rows) <= MAX_INSTALMENTS:
        errors.add("schedule", ngettext("Give between 1 and %(n)d instalment.", "Give between 1 and %(n)d instalments.",
                                        MAX_INSTALMENTS) % {"n": MAX_INSTALMENTS})
        return []
    read: list[tuple[date, Decimal]] = []
    for index, row in enumerate(rows):
        due = clean_date(row.due_on, field=f"schedule.{index}.due_on", errors=errors, required=True,
                         not_future=False)
        amount = collect_amount(row.amount, currency, field=f"schedule.{index}.amount", errors=errors)
        if due is not None and amount > 0:
            read.append((due, amount))
    return sorted(read)


def deal_outstanding(deal: Deal) -> Decimal:
    """What the licensee still owes on the deal's milestones (neither released nor refunded)."""
    return sum((m.amount - m.released_amount - m.refunded_amount
                for m in deal.milestones.all() if m.status in OPEN_MILESTONES), ZERO)


def _from_deal(values: ReceivableIn, originator: Organisation, errors: FieldErrors) -> dict[str, object]:
    deal_id = _whole(values.deal_id)
    deal = Deal.objects.select_related("buyer").filter(pk=deal_id).first() if deal_id is not None else None
    if deal is None or deal.seller_id != originator.pk or deal.kind != DealKind.LICENCE:
        errors.add("deal_id", _("Choose a licence deal your organisation concluded as licensor."))
        return {}
    if deal.commitment != Commitment.CONCLUDED or deal.status not in CONCLUDED_STATUSES:
        errors.add("deal_id", _("Deal #%(deal)s is not a concluded, signed contract (it is %(status)s).")
                   % {"deal": deal.pk, "status": deal.get_status_display()})
    taken = Receivable.objects.filter(deal=deal).first()
    if taken is not None:
        errors.add("deal_id", _("Deal #%(deal)s is receivable #%(receivable)s already.")
                   % {"deal": deal.pk, "receivable": taken.pk})
    if values.currency not in (None, "") and values.currency != deal.currency:
        errors.add("currency", _("Deal #%(deal)s is in %(currency)s.") % {"deal": deal.pk, "currency": deal.currency})
    return {"deal": deal, "payer": deal.buyer, "payer_name": deal.buyer.name, "currency": deal.currency,
            "contract_reference": f"#{deal.pk}"}


def _from_contract(values: ReceivableIn, originator: Organisation, errors: FieldErrors) -> dict[str, object]:
    currency = clean_choice(values.currency, Currency, field="currency", errors=errors) or Currency.CNY
    payer = None
    if values.payer_id not in (None, ""):
        payer_id = _whole(values.payer_id)
        payer = Organisation.objects.filter(pk=payer_id).first() if payer_id is not None else None
        if payer is None:
            errors.add("payer_id", _("No such organisation on the exchange."))
        elif payer.pk == originator.pk:
            errors.add("payer_id", _("An originator does not owe itself."))
    name = payer.name if payer is not None else clean_text(values.payer_name, field="payer_name", errors=errors,
                                                           max_length=200)
    reference = clean_text(values.contract_reference, field="contract_reference", errors=errors, max_length=100)
    checked = None
    if values.contract_file is None:
        errors.add("contract_file", _("Attach the contract (a PDF or a scan)."))
    else:
        try:
            checked = check_upload(values.contract_file, field="contract_file")
        except ValidationFailed as exc:
            errors.collect(exc)
    return {"payer": payer, "payer_name": name, "currency": currency, "contract_reference": reference,
            "checked": checked}


@transaction.atomic
def receivable_add(*, actor: User, values: ReceivableIn) -> Receivable:
    """Enter a receivable for the originator (whose administrators or signatories enter it):
    from its own concluded licence deal (as licensor: the licensee pays; for a deal paid in
    milestones or a lump sum the schedule takes no more than is still owed on it; a royalty
    schedule is the royalties expected) or from an off-platform contract with its document."""
    originator = access_organisation(actor, values.originator_id)
    if not binds(actor, originator.pk) or not originator.is_verified:
        raise PermissionDenied(_("Receivables are entered by a verified originator's administrators or signatories."))
    errors = FieldErrors()
    source = clean_choice(values.source, Receivable.Source, field="source", errors=errors)
    read = (_from_deal(values, originator, errors) if source == Receivable.Source.DEAL
            else _from_contract(values, originator, errors) if source == Receivable.Source.CONTRACT else {})
    currency = str(read.get("currency") or Currency.CNY)
    schedule = read_schedule(values.schedule, currency, errors)
    deal = read.get("deal")
    if isinstance(deal, Deal) and deal.payment_structure != PaymentStructure.ROYALTY and schedule:
        owed = deal_outstanding(deal)
        total = sum((amount for _due, amount in schedule), Decimal(0))
        if total > owed:
            errors.add("schedule", _("The schedule adds up to %(total)s; deal #%(deal)s still owes %(owed)s.")
                       % {"total": Money(total, currency), "deal": deal.pk, "owed": Money(owed, currency)})
    description = clean_text(values.description, field="description", errors=errors, required=False,
                             max_length=300)
    errors.raise_if_any()
    checked = read.pop("checked", None)
    receivable = Receivable.objects.create(originator=originator, source=source, description=description,
                                           created_by=actor, **read)
    ReceivableInstalment.objects.bulk_create(
        ReceivableInstalment(receivable=receivable, due_on=due, amount=amount) for due, amount in schedule)
    if isinstance(checked, CheckedFile):
        contract = ReceivableContract(receivable=receivable)
        contract.store(checked)
        contract.save()
    return receivable


def live_entry(receivable: Receivable) -> PoolEntry | None:
    return PoolEntry.objects.select_related("product").filter(receivable=receivable, live=True).first()


def may_mark(actor: User, receivable: Receivable, entry: PoolEntry | None) -> bool:
    """Whether ``actor`` services the receivable (``entry``: its live pool entry, if any): the
    servicer of the product it is pooled in, or its originator while it is in none."""
    servicer_id = entry.product.servicer_id if entry is not None else receivable.originator_id
    return bool(getattr(actor, "is_authenticated", False) and is_member(actor, servicer_id))


@transaction.atomic
def receivable_mark(*, actor: User, receivable_id: int, status: object, note: object = "") -> Receivable:
    """The servicer marks a payer late, defaulted, paid or current again: the servicer of the
    live product the receivable is pooled in, or the originator while it is in none."""
    # The product before the receivable, in the order choosing a pool locks them.
    pooled_in = PoolEntry.objects.filter(receivable_id=receivable_id, live=True).values_list("product_id", flat=True)
    if pooled_in:
        SECURITISATION.lock(pooled_in[0])
    receivable = Receivable.objects.select_for_update().filter(pk=receivable_id).first()
    if receivable is None:
        raise NotFound(_("No such receivable."))
    entry = live_entry(receivable)
    if not may_mark(actor, receivable, entry):
        raise PermissionDenied(_("Only the receivable's servicer may do this."))
    errors = FieldErrors()
    new = clean_choice(status, Receivable.Status, field="status", errors=errors)
    text = clean_text(note, field="note", errors=errors, required=False, max_length=2000)
    errors.raise_if_any()
    if new not in MARKS[receivable.status]:
        raise Conflict(_("Receivable #%(receivable)s is %(status)s; it cannot be marked %(new)s.")
                       % {"receivable": receivable.pk, "status": receivable.get_status_display(),
                          "new": Receivable.Status(new).label}, code="receivable_status")
    if new == R.PAID and entry is not None and any(
            row.paid_amount < row.amount for row in receivable.instalments.filter(due_on__gt=entry.product.cut_off)):
        # A pooled receivable's money reaches the investors only as recorded collections.
        raise Conflict(_("Receivable #%(receivable)s still owes the pool; record its collections first.")
                       % {"receivable": receivable.pk}, code="still_owed")
    previous = receivable.status
    receivable.status = new
    receivable.save(update_fields=["status"])
    if entry is not None:
        SECURITISATION.record(entry.product, "receivable_marked", actor=actor, acting_for=entry.product.servicer,
                              note=text, params={"receivable": receivable.pk, "from": previous, "to": new})
        if new == R.DEFAULTED:
            # A credit event: the trustee and the investors learn of it before the period's report.
            product = entry.product
            tell_securitisation("abs_receivable_defaulted", product, to=[product.trustee, *investors(product)],
                                acting_for=product.servicer, actor=actor, receivable=receivable.pk,
                                payer=receivable.payer_label, servicer=product.servicer.name, reason=text)
    return receivable
