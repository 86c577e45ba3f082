"""A pooled product's structure: tranches over the pool (senior, mezzanine, subordinated:
sizes summing to the pool, at least one senior, fixed coupons), fees per period to their
payees, triggers, the reserve's target, the tax on collections and the shortfall guarantor
with its limit. What the engine refuses (``waterfall.validate_structure``) comes back by field,
as do coupons and fees no real deal would carry; nothing is saved then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict
from ipx.core.money import Money, collect_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.finance.inputs import percent, whole
from ipx.finance.models import FeeTerm, Product, Subscription, Tranche, TriggerTerm
from ipx.finance.securitisation import waterfall
from ipx.finance.securitisation.inputs import FeeIn, StructureIn, TrancheIn, TriggerIn
from ipx.finance.securitisation.services.pools import organisation_field, pool_balance
from ipx.finance.securitisation.workflow import SECURITISATION

HUNDRED = Decimal(100)
MAX_TRANCHES, MAX_FEES, MAX_TRIGGERS = 10, 10, 10
# Above 24 % a year Chinese courts have not protected lending rates: such a coupon is a typing error.
MAX_COUPON_PERCENT = Decimal(24)
# Trustee, servicer and rating fees run to fractions of a percent of the pool a year.
MAX_FEE_RATE_PERCENT = Decimal(5)
MAX_FEES_SHARE = Decimal("0.05")  # fixed fees in a period, as a share of the pool
MAX_THRESHOLD = Decimal(100)
# The engine's field names, as the structure form and the API name them.
ENGINE_FIELDS = {"bonds": "tranches", "coupon": "tranches", "names": "tranches", "fees": "fees",
                 "tax_rate": "tax_percent", "reserve_target": "reserve_target",
                 "guarantor_limit": "guarantee_limit", "periods_per_year": "periods_per_year", "triggers": "triggers"}


@dataclass(frozen=True)
class ReadTranche:
    name: str
    seniority: str
    size: Decimal
    coupon_percent: Decimal
    legal_maturity: date
    priority: int


@dataclass(frozen=True)
class ReadFee:
    name: str
    payee: Organisation
    amount: Decimal
    rate_percent: Decimal


def _tranches(rows: list[TrancheIn], product: Product, errors: FieldErrors) -> list[ReadTranche]:
    if not 1 <= len(rows) <= MAX_TRANCHES:
        errors.add("tranches", _("Give between 1 and %(n)d tranches.") % {"n": MAX_TRANCHES})
        return []
    read = []
    for index, row in enumerate(rows):
        at = f"tranches.{index}"
        name = clean_text(row.name, field=f"{at}.name", errors=errors, max_length=60)
        seniority = clean_choice(row.seniority, Tranche.Seniority, field=f"{at}.seniority", errors=errors)
        size = collect_amount(row.size, product.currency, field=f"{at}.size", errors=errors)
        coupon = percent(row.coupon_percent, field=f"{at}.coupon_percent", errors=errors, high=MAX_COUPON_PERCENT)
        maturity = clean_date(row.legal_maturity, field=f"{at}.legal_maturity", errors=errors, required=True,
                              not_future=False)
        if maturity is not None and maturity <= product.cut_off:
            errors.add(f"{at}.legal_maturity", _("The legal maturity must come after the cut-off date."))
        priority = whole(row.priority, field=f"{at}.priority", errors=errors, high=MAX_TRANCHES)
        if maturity is not None:
            read.append(ReadTranche(name, seniority, size, coupon, maturity, priority))
    if len({t.priority for t in read}) != len(read):
        errors.add("tranches", _("Each tranche needs its own priority."))
    ranks = [waterfall.RANK[waterfall.Seniority(t.seniority)] for t in sorted(read, key=lambda t: t.priority)
             if t.seniority in Tranche.Seniority.values]
    if ranks != sorted(ranks):
        errors.add("tranches", _("Priorities must follow seniority: senior first, subordinated last."))
    return read


def _fees(rows: list[FeeIn], product: Product, errors: FieldErrors) -> list[ReadFee]:
    if len(rows) > MAX_FEES:
        errors.add("fees", _("At most %(n)d fees.") % {"n": MAX_FEES})
        return []
    read = []
    for index, row in enumerate(rows):
        at = f"fees.{index}"
        name = clean_text(row.name, field=f"{at}.name", errors=errors, max_length=60)
        payee = organisation_field(row.payee_id, field=f"{at}.payee_id", errors=errors)
        amount = collect_amount(row.amount or "0", product.currency, field=f"{at}.amount", errors=errors,
                                allow_zero=True)
        rate = percent(row.rate_percent or "0", field=f"{at}.rate_percent", errors=errors, high=MAX_FEE_RATE_PERCENT)
        if amount == 0 and rate == 0 and not {f"{at}.amount", f"{at}.rate_percent"} & set(errors.errors):
            errors.add(f"{at}.amount", _("Give an amount per period, a rate, or both."))
        if payee is not None:
            read.append(ReadFee(name, payee, amount, rate))
    return read


def engine_metric(value: str) -> waterfall.Metric:
    return "interest_coverage" if value == TriggerTerm.Metric.INTEREST_COVERAGE else "asset_coverage"


def engine_action(value: str) -> waterfall.TriggerAction:
    return "accelerate" if value == TriggerTerm.Consequence.ACCELERATE else "sequential"


def _ratio(value: object, *, field: str, errors: FieldErrors) -> Decimal:
    """A coverage ratio (1.05 for 105 %): above zero, at most MAX_THRESHOLD, four decimals at most."""
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else Decimal("NaN")
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not 0 < number <= MAX_THRESHOLD or number != number.quantize(Decimal("0.0001")):
        errors.add(field, _("Enter a ratio above 0 and at most %(high)s (1.05 for 105 %%), with at most four "
                            "decimals.") % {"high": MAX_THRESHOLD})
        return Decimal(1)
    return number


def _triggers(rows: list[TriggerIn], errors: FieldErrors) -> list[waterfall.Trigger]:
    if len(rows) > MAX_TRIGGERS:
        errors.add("triggers", _("At most %(n)d triggers.") % {"n": MAX_TRIGGERS})
        return []
    read = []
    for index, row in enumerate(rows):
        at = f"triggers.{index}"
        name = clean_text(row.name, field=f"{at}.name", errors=errors, max_length=60)
        metric = clean_choice(row.metric, TriggerTerm.Metric, field=f"{at}.metric", errors=errors)
        threshold = _ratio(row.threshold, field=f"{at}.threshold", errors=errors)
        action = clean_choice(row.action, TriggerTerm.Consequence, field=f"{at}.action", errors=errors)
        read.append(waterfall.Trigger(name=name, metric=engine_metric(metric), threshold=threshold,
                                      action=engine_action(action)))
    return read


def engine_structure(product: Product) -> waterfall.Structure:
    """The product's saved structure in the engine's terms, tranches at their current balances."""
    bonds = tuple(waterfall.Bond(name=t.name, seniority=waterfall.Seniority(t.seniority), balance=t.balance,
                                 coupon=t.coupon_percent / HUNDRED, interest_shortfall=t.interest_shortfall)
                  for t in product.tranches.order_by("priority"))
    fees = tuple(waterfall.Fee(name=f.name, amount=f.amount, rate=f.rate_percent / HUNDRED)
                 for f in product.fees.order_by("id"))
    triggers = tuple(waterfall.Trigger(name=t.name, metric=engine_metric(t.metric), threshold=t.threshold,
                                       action=engine_action(t.action)) for t in product.triggers.order_by("id"))
    return waterfall.Structure(bonds=bonds, fees=fees, tax_rate=product.tax_percent / HUNDRED,
                               reserve_target=product.reserve_target, guarantor_limit=product.guarantee_limit,
                               triggers=triggers, periods_per_year=product.periods_per_year)


def _check_amounts(values: StructureIn, product: Product, errors: FieldErrors) -> tuple[Decimal, Decimal, Decimal]:
    reserve = collect_amount(values.reserve_target or "0", product.currency, field="reserve_target", errors=errors,
                             allow_zero=True)
    tax = percent(values.tax_percent or "0", field="tax_percent", errors=errors, high=Decimal(50))
    limit = collect_amount(values.guarantee_limit or "0", product.currency, field="guarantee_limit", errors=errors,
                           allow_zero=True)
    return reserve, tax, limit


@transaction.atomic
def product_structure(*, actor: User, product_id: int, values: StructureIn) -> Product:
    """Set (or set again, until issue) the product's structure on its pool."""
    product = SECURITISATION.lock(product_id, related=("originator",))
    SECURITISATION.admit("structure", product, actor)
    SECURITISATION.check(product, "structure", actor)
    if Subscription.objects.filter(tranche__product=product).exists():
        raise Conflict(_("Investors have subscribed to these tranches; the structure stays as it is."),
                       code="subscribed")
    errors = FieldErrors()
    tranches = _tranches(list(values.tranches), product, errors)
    fees = _fees(list(values.fees), product, errors)
    triggers = _triggers(list(values.triggers), errors)
    reserve, tax, limit = _check_amounts(values, product, errors)
    guarantor = None
    if values.guarantor_id not in (None, ""):
        guarantor = organisation_field(values.guarantor_id, field="guarantor_id", errors=errors)
        if guarantor is not None and guarantor.pk == product.originator_id:
            errors.add("guarantor_id", _("The guarantor undertakes to pay what the originator's pool cannot; it "
                                         "must be another organisation."))
        if limit == 0 and "guarantee_limit" not in errors.errors:
            errors.add("guarantee_limit", _("Give the most the guarantor undertakes to pay."))
    elif limit > 0:
        errors.add("guarantor_id", _("Name the guarantor of this limit."))
    balance = pool_balance(product)
    fixed = sum((fee.amount for fee in fees), Decimal(0))
    if fixed > balance * MAX_FEES_SHARE:
        errors.add("fees", _("The fixed fees come to %(fees)s a period, more than 5 %% of the pool's %(pool)s.")
                   % {"fees": Money(fixed, product.currency), "pool": Money(balance, product.currency)})
    if reserve > balance:
        errors.add("reserve_target", _("The reserve's target is more than the pool."))
    if not errors:
        engine = waterfall.Structure(
            bonds=tuple(waterfall.Bond(name=t.name, seniority=waterfall.Seniority(t.seniority), balance=t.size,
                                       coupon=t.coupon_percent / HUNDRED) for t in tranches),
            fees=tuple(waterfall.Fee(name=f.name, amount=f.amount, rate=f.rate_percent / HUNDRED) for f in fees),
            tax_rate=tax / HUNDRED, reserve_target=reserve, guarantor_limit=limit, triggers=tuple(triggers),
            periods_per_year=product.periods_per_year)
        for name, message in waterfall.validate_structure(engine, pool_balance=balance).items():
            errors.add(ENGINE_FIELDS.get(name, name), message)
    errors.raise_if_any()
    product.tranches.all().delete()
    product.fees.all().delete()
    product.triggers.all().delete()
    Tranche.objects.bulk_create(
        Tranche(product=product, name=t.name, seniority=t.seniority, size=t.size, coupon_percent=t.coupon_percent,
                legal_maturity=t.legal_maturity, priority=t.priority, balance=t.size) for t in tranches)
    FeeTerm.objects.bulk_create(FeeTerm(product=product, name=f.name, payee=f.payee, amount=f.amount,
                                        rate_percent=f.rate_percent) for f in fees)
    TriggerTerm.objects.bulk_create(TriggerTerm(product=product, name=t.name, metric=t.metric,
                                                threshold=t.threshold, action=t.action) for t in triggers)
    product.reserve_target, product.tax_percent = reserve, tax
    product.guarantor, product.guarantee_limit = guarantor, limit
    SECURITISATION.transition(product, "structure", actor=actor, acting_for=product.originator, check=False,
                              fields=("reserve_target", "tax_percent", "guarantor", "guarantee_limit"),
                              params={"tranches": len(tranches), "balance": str(balance),
                                      "currency": product.currency})
    return product
