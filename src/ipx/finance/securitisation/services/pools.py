"""A securitisation set up by its originator, and its pool: receivables chosen by the
eligibility rules (the originator's own, in the product's currency, current (neither late nor
defaulted nor paid), in no other live pool, owing something after the cut-off, no payer more
than the concentration limit of the pool)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, binds
from ipx.core.errors import PermissionDenied
from ipx.core.money import ZERO, Currency, Money
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.finance.inputs import percent, whole
from ipx.finance.models import PoolEntry, Product, Receivable
from ipx.finance.securitisation.inputs import ProductIn
from ipx.finance.securitisation.notices import investors, tell_named, tell_securitisation
from ipx.finance.securitisation.waterfall import PERIODS_PER_YEAR
from ipx.finance.securitisation.workflow import SECURITISATION

MAX_POOL = 500


def organisation_field(value: object, *, field: str, errors: FieldErrors, verified: bool = True) -> Organisation | None:
    """An organisation on the exchange by its id (verified, unless said otherwise)."""
    text = "" if value is None else str(value).strip()
    found = Organisation.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) < 19 else None
    if found is None or (verified and not found.is_verified):
        errors.add(field, _("Choose a verified organisation on the exchange."))
        return None
    return found


def originator_of(actor: User, organisation_id: int) -> Organisation:
    originator = access_organisation(actor, organisation_id)
    if not binds(actor, originator.pk) or not originator.is_verified:
        raise PermissionDenied(_("A securitisation is set up by a verified originator's administrators or "
                                 "signatories."))
    return originator


@transaction.atomic
def product_create(*, actor: User, values: ProductIn) -> Product:
    """A draft securitisation: its name, trustee (runs the periods and holds the product's
    accounts), servicer (collects from the payers), currency, cut-off date, payment periods a
    year and the concentration limit per payer."""
    originator = originator_of(actor, values.originator_id)
    errors = FieldErrors()
    name = clean_text(values.name, field="name", errors=errors, max_length=200)
    trustee = organisation_field(values.trustee_id, field="trustee_id", errors=errors)
    if trustee is not None and trustee.pk == originator.pk:
        # The trustee holds the investors' money apart from the originator's.
        errors.add("trustee_id", _("The trustee must be another organisation than the originator."))
    servicer = organisation_field(values.servicer_id, field="servicer_id", errors=errors)
    currency = clean_choice(values.currency, Currency, field="currency", errors=errors)
    cut_off = clean_date(values.cut_off, field="cut_off", errors=errors, required=True, not_future=False)
    periods = whole(values.periods_per_year, field="periods_per_year", errors=errors, high=12)
    if "periods_per_year" not in errors.errors and periods not in PERIODS_PER_YEAR:
        errors.add("periods_per_year", _("Periods per year must be 1, 2, 4 or 12."))
    concentration = percent(values.concentration_percent, field="concentration_percent", errors=errors,
                            low=Decimal(1))
    errors.raise_if_any()
    assert trustee is not None and servicer is not None and cut_off is not None
    product = Product.objects.create(name=name, originator=originator, trustee=trustee, servicer=servicer,
                                     currency=currency, cut_off=cut_off, periods_per_year=periods,
                                     concentration_percent=concentration, created_by=actor)
    SECURITISATION.record(product, "create", actor=actor, acting_for=originator, from_status="",
                          params={"name": name, "currency": currency})
    tell_named(product, actor=actor)
    return product


@dataclass(frozen=True)
class Candidate:
    """A receivable weighed for a product's pool: its balance after the cut-off and why it may not join."""

    receivable: Receivable
    balance: Decimal
    problems: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return not self.problems


def payer_key(receivable: Receivable) -> str:
    return f"org:{receivable.payer_id}" if receivable.payer_id else f"name:{receivable.payer_name.strip().casefold()}"


def balance_after_cut_off(receivable: Receivable, product: Product) -> Decimal:
    return sum((row.amount - row.paid_amount for row in receivable.instalments.all() if row.due_on > product.cut_off),
               ZERO)


def candidates(product: Product, receivables: Iterable[Receivable]) -> list[Candidate]:
    """Each receivable's own eligibility for ``product`` (the payer concentration is the pool's:
    see ``concentration_problems``)."""
    rows = list(receivables)
    pooled = dict(PoolEntry.objects.filter(receivable__in=rows, live=True).exclude(product=product)
                  .values_list("receivable_id", "product_id"))
    found = []
    for receivable in rows:
        problems = []
        if receivable.originator_id != product.originator_id:
            problems.append(_("It is not the originator's."))
        if receivable.currency != product.currency:
            problems.append(_("It is in %(currency)s, the product in %(product)s.")
                            % {"currency": receivable.currency, "product": product.currency})
        if receivable.status != Receivable.Status.CURRENT:
            problems.append(_("It is %(status)s.") % {"status": receivable.get_status_display().lower()})
        if receivable.pk in pooled:
            problems.append(_("It is in securitisation #%(product)s already.") % {"product": pooled[receivable.pk]})
        balance = balance_after_cut_off(receivable, product)
        if balance <= 0:
            problems.append(_("Nothing of it falls due after the cut-off date."))
        found.append(Candidate(receivable=receivable, balance=balance, problems=tuple(problems)))
    return found


def concentration_problems(product: Product, chosen: Sequence[Candidate]) -> list[str]:
    """Payers above the product's concentration limit, as a share of the chosen pool's balance."""
    total = sum((candidate.balance for candidate in chosen), ZERO)
    by_payer: dict[str, Decimal] = defaultdict(Decimal)
    names: dict[str, str] = {}
    for candidate in chosen:
        key = payer_key(candidate.receivable)
        by_payer[key] += candidate.balance
        names[key] = candidate.receivable.payer_label
    if total <= 0:
        return []
    limit = product.concentration_percent
    return [_("%(payer)s owes %(share)s %% of the pool; the limit is %(limit)s %%.")
            % {"payer": names[key], "share": (amount * 100 / total).quantize(Decimal("0.01")), "limit": limit}
            for key, amount in sorted(by_payer.items()) if amount * 100 > limit * total]


@transaction.atomic
def pool_select(*, actor: User, product_id: int, receivable_ids: Sequence[int]) -> Product:
    """Choose the product's pool (replacing any chosen before): every receivable must be
    eligible and no payer above the concentration limit, or nothing changes."""
    product = SECURITISATION.lock(product_id, related=("originator",))
    SECURITISATION.admit("pool", product, actor)
    SECURITISATION.check(product, "pool", actor)
    errors = FieldErrors()
    wanted = list(dict.fromkeys(receivable_ids))
    if not 1 <= len(wanted) <= MAX_POOL:
        errors.add("receivable_ids", _("Choose between 1 and %(n)d receivables.") % {"n": MAX_POOL})
        errors.raise_if_any()
    # Locked in primary-key order, so two products choosing the same receivable wait for one another.
    usable = [pk for pk in wanted if isinstance(pk, int) and 0 < pk < 2**63]
    found = {r.pk: r for r in Receivable.objects.select_for_update().filter(pk__in=usable).order_by("pk")}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        errors.add("receivable_ids", _("No such receivable: %(ids)s.") % {"ids": ", ".join(map(str, missing))})
        errors.raise_if_any()
    chosen = candidates(product, (found[pk] for pk in wanted))
    problems = [_("Receivable #%(id)s: %(problems)s") % {"id": c.receivable.pk, "problems": " ".join(c.problems)}
                for c in chosen if not c.eligible]
    problems += concentration_problems(product, chosen) if not problems else []
    if problems:
        errors.add("receivable_ids", " ".join(problems))
    errors.raise_if_any()
    PoolEntry.objects.filter(product=product).delete()
    PoolEntry.objects.bulk_create(PoolEntry(product=product, receivable=c.receivable, balance=c.balance)
                                  for c in chosen)
    total = sum((c.balance for c in chosen), ZERO)
    SECURITISATION.transition(product, "pool", actor=actor, acting_for=product.originator, check=False,
                              params={"receivables": len(chosen), "balance": str(total),
                                      "currency": product.currency})
    return product


def pool_balance(product: Product) -> Decimal:
    """The pool's balance at the cut-off (the sum its tranches must make)."""
    return sum(product.entries.filter(live=True).values_list("balance", flat=True), ZERO)


def pool_money(product: Product) -> Money:
    return Money(pool_balance(product), product.currency)


@transaction.atomic
def product_cancel(*, actor: User, product_id: int) -> Product:
    """The originator drops a product before issue: its receivables are free for another pool."""
    product = SECURITISATION.lock(product_id, related=("originator",))
    SECURITISATION.check(product, "cancel", actor)
    product.entries.update(live=False)
    SECURITISATION.transition(product, "cancel", actor=actor, acting_for=product.originator, check=False)
    tell_securitisation("abs_cancelled", product, to=[*investors(product), product.trustee, product.servicer],
                        acting_for=product.originator, actor=actor, originator=product.originator.name)
    return product
