"""IP insurance products and policies (the ``POLICY`` table); claims are in ``claims``.

An insurer (a verified financial institution) puts products on sale: what they cover, a
premium rule (a base plus an amount per insured IP right, or a percentage of the cover), a
cover limit (fixed, or a multiple of the premium) and a term. An organisation asks for a
policy on its own IP rights, or, for a pledge-loan guarantee, on a loan it borrows or lends:
the request is the quote (premium and cover worked out by the product's rule and shown before
buying). Paying the premium through the ledger issues the policy for the product's term (a
retry with the same Idempotency-Key is answered once); the hourly run expires policies whose
term has ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, binds
from ipx.catalog.models import Asset
from ipx.core.dates import add_months
from ipx.core.errors import Conflict, NotFound, PermissionDenied
from ipx.core.money import Currency, Money, collect_amount
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.finance.inputs import percent, whole
from ipx.finance.insurance.notices import PARTIES, policy_parties
from ipx.finance.models import InsuranceProduct, Loan, Policy, PolicyAsset
from ipx.finance.money import to_cents
from ipx.finance.notices import tell
from ipx.finance.workflow import POLICY
from ipx.ledger.services import transfer

Product = InsuranceProduct
MAX_TERM_MONTHS = 120
MAX_MULTIPLE = Decimal(1000)
MAX_PREMIUM_PERCENT = Decimal(50)
# A guarantee is bought while the loan is being made or runs.
GUARANTEED_LOAN_STATUSES = (Loan.Status.ACCEPTED, Loan.Status.PLEDGE_SUBMITTED, Loan.Status.ACTIVE)


@dataclass(frozen=True)
class ProductValues:
    """A product as an insurer typed it; ``product_create`` and ``product_update`` check it."""

    name: object = ""
    kind: object = ""
    description: object = ""
    currency: object = Currency.CNY
    premium_rule: object = ""
    premium_base: object = "0"
    premium_per_asset: object = "0"
    premium_percent: object = "0"
    cover_rule: object = ""
    cover_fixed: object = ""
    cover_multiple: object = ""
    term_months: object = "12"
    active: bool = True


def _read_product(values: ProductValues) -> dict[str, object]:
    errors = FieldErrors()
    currency = clean_choice(values.currency, Currency, field="currency", errors=errors) or Currency.CNY
    read: dict[str, object] = {
        "name": clean_text(values.name, field="name", errors=errors, max_length=200),
        "kind": clean_choice(values.kind, Product.Kind, field="kind", errors=errors),
        "description": clean_text(values.description, field="description", errors=errors, required=False,
                                  max_length=5000),
        "currency": currency,
        "premium_rule": clean_choice(values.premium_rule, Product.PremiumRule, field="premium_rule", errors=errors),
        "cover_rule": clean_choice(values.cover_rule, Product.CoverRule, field="cover_rule", errors=errors),
        "term_months": whole(values.term_months, field="term_months", errors=errors, high=MAX_TERM_MONTHS),
        "active": bool(values.active),
        "premium_base": Decimal(0), "premium_per_asset": Decimal(0), "premium_percent": Decimal(0),
        "cover_fixed": None, "cover_multiple": None,
    }
    if read["premium_rule"] == Product.PremiumRule.PER_ASSET:
        read["premium_base"] = collect_amount(values.premium_base or "0", currency, field="premium_base",
                                              errors=errors, allow_zero=True)
        read["premium_per_asset"] = collect_amount(values.premium_per_asset or "0", currency,
                                                   field="premium_per_asset", errors=errors, allow_zero=True)
        if "premium_base" not in errors.errors and "premium_per_asset" not in errors.errors \
                and read["premium_base"] == read["premium_per_asset"] == 0:
            errors.add("premium_base", _("Give a base premium, an amount per IP right, or both."))
    elif read["premium_rule"] == Product.PremiumRule.PERCENT:
        read["premium_percent"] = percent(values.premium_percent, field="premium_percent", errors=errors,
                                          low=Decimal("0.01"), high=MAX_PREMIUM_PERCENT)
    if read["cover_rule"] == Product.CoverRule.FIXED:
        read["cover_fixed"] = collect_amount(values.cover_fixed, currency, field="cover_fixed", errors=errors)
    elif read["cover_rule"] == Product.CoverRule.MULTIPLE:
        read["cover_multiple"] = percent(values.cover_multiple, field="cover_multiple", errors=errors,
                                         low=Decimal(1), high=MAX_MULTIPLE)
        if read["premium_rule"] == Product.PremiumRule.PERCENT:
            # The premium would be a share of a cover that is a multiple of the premium.
            errors.add("cover_rule", _("A premium that is a percentage of the cover needs a fixed cover limit."))
    errors.raise_if_any()
    return read


def _insurer(actor: User, insurer_id: int) -> Organisation:
    insurer = access_organisation(actor, insurer_id)
    if insurer.kind != Organisation.Kind.FINANCIAL or not insurer.is_verified or not binds(actor, insurer.pk):
        raise PermissionDenied(_("Insurance products are set up by a verified financial institution's "
                                 "administrators or signatories."))
    return insurer


@transaction.atomic
def product_create(*, actor: User, insurer_id: int, values: ProductValues) -> InsuranceProduct:
    insurer = _insurer(actor, insurer_id)
    return Product.objects.create(insurer=insurer, created_by=actor, **_read_product(values))


@transaction.atomic
def product_update(*, actor: User, product_id: int, values: ProductValues) -> InsuranceProduct:
    """New terms apply to policies asked for from now on; quoted and issued ones keep theirs."""
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No such insurance product."))
    _insurer(actor, product.insurer_id)
    for name, value in _read_product(values).items():
        setattr(product, name, value)
    product.save()
    return product


@dataclass(frozen=True)
class Quote:
    premium: Decimal
    cover: Decimal


def _default_cover(limit: Decimal, most: Decimal | None) -> Decimal:
    return limit if most is None else min(limit, most)


def quote(product: InsuranceProduct, *, assets: int, cover: Decimal | None, errors: FieldErrors,
          most: Decimal | None = None) -> Quote:
    """The premium and cover by the product's rules: ``assets`` insured rights, ``cover`` asked
    (a percentage premium needs one; otherwise the product's limit applies), no more than
    ``most`` (a guaranteed loan's amount)."""
    if product.premium_rule == Product.PremiumRule.PER_ASSET:
        premium = product.premium_base + product.premium_per_asset * assets
        limit = (product.cover_fixed if product.cover_rule == Product.CoverRule.FIXED
                 else to_cents(premium * (product.cover_multiple or 0)))
        assert limit is not None
        chosen = _default_cover(limit, most) if cover is None else cover
        if chosen > limit:
            errors.add("cover", _("This product covers at most %(limit)s.") % {"limit": Money(limit, product.currency)})
    else:
        assert product.cover_fixed is not None
        chosen = _default_cover(product.cover_fixed, most) if cover is None else cover
        if chosen > product.cover_fixed:
            errors.add("cover", _("This product covers at most %(limit)s.")
                       % {"limit": Money(product.cover_fixed, product.currency)})
        premium = to_cents(chosen * product.premium_percent / 100)
    if most is not None and chosen > most and "cover" not in errors.errors:
        errors.add("cover", _("A guarantee covers at most the loan's %(amount)s.")
                   % {"amount": Money(most, product.currency)})
    if premium <= 0 and "cover" not in errors.errors:
        errors.add("cover", _("The premium for this cover would be nothing; ask for more cover."))
    return Quote(premium=to_cents(premium), cover=to_cents(chosen))


def _guaranteed_loan(loan_id: object, holder: Organisation, product: InsuranceProduct,
                     errors: FieldErrors) -> Loan | None:
    loan = Loan.objects.filter(pk=int(str(loan_id)) if str(loan_id).isdigit() else -1).first()
    if loan is None or holder.pk not in (loan.borrower_id, loan.bank_id):
        errors.add("loan_id", _("Choose a loan your organisation borrows or lends."))
        return None
    if loan.status not in GUARANTEED_LOAN_STATUSES:
        errors.add("loan_id", _("A guarantee covers an accepted or running loan; this one is %(status)s.")
                   % {"status": loan.get_status_display()})
    if loan.currency != product.currency:
        errors.add("loan_id", _("The loan is in %(loan)s and the product in %(product)s.")
                   % {"loan": loan.currency, "product": product.currency})
    taken = Policy.objects.filter(loan=loan, status__in=(Policy.Status.REQUESTED, Policy.Status.ISSUED)).first()
    if taken is not None:
        errors.add("loan_id", _("The loan has a guarantee policy already (#%(policy)s).") % {"policy": taken.pk})
    return loan


@transaction.atomic
def policy_request(*, actor: User, policyholder_id: int, product_id: int, asset_ids: Sequence[int] = (),
                   loan_id: object = None, cover: object = None, currency: object = None) -> Policy:
    """Ask for a policy: on the policyholder's own IP rights, or (a pledge-loan guarantee) on a
    loan it borrows or lends. The policy is the quote until its premium is paid."""
    holder = access_organisation(actor, policyholder_id)
    if not holder.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet.") % {"name": holder.name})
    product = Product.objects.select_related("insurer").filter(pk=product_id, active=True).first()
    if product is None:
        raise NotFound(_("No such insurance product on sale."))
    errors = FieldErrors()
    if currency not in (None, "") and currency != product.currency:
        errors.add("currency", _("This product is sold in %(currency)s.") % {"currency": product.currency})
    if product.insurer_id == holder.pk:
        errors.add("product_id", _("An insurer does not insure itself."))
    asked = None if cover in (None, "") else collect_amount(cover, product.currency, field="cover", errors=errors)
    loan, owned = None, []
    if product.kind == Product.Kind.LOAN_GUARANTEE:
        if asset_ids:
            errors.add("asset_ids", _("A guarantee is bought on a loan, not on IP rights."))
        loan = _guaranteed_loan(loan_id, holder, product, errors)
        count = loan.collateral.count() if loan is not None else 0
    else:
        if loan_id not in (None, ""):
            errors.add("loan_id", _("Only a pledge-loan guarantee is bought on a loan."))
        wanted = set(asset_ids)
        owned = list(Asset.objects.filter(pk__in=wanted, holder=holder))
        if not wanted or len(owned) != len(wanted):
            errors.add("asset_ids", _("Insure one or more of your own organisation's IP rights."))
        count = len(owned)
    priced = quote(product, assets=count, cover=asked if "cover" not in errors.errors else None, errors=errors,
                   most=loan.amount if loan is not None else None)
    errors.raise_if_any()
    policy = Policy.objects.create(product=product, insurer=product.insurer, policyholder=holder, loan=loan,
                                   currency=product.currency, cover=priced.cover, premium=priced.premium,
                                   months=product.term_months, created_by=actor)
    PolicyAsset.objects.bulk_create(PolicyAsset(policy=policy, asset=asset) for asset in owned)
    POLICY.record(policy, "request", actor=actor, acting_for=holder, from_status="",
                  params={"premium": str(priced.premium), "cover": str(priced.cover), "currency": policy.currency})
    tell("policy_requested", policy, to=[policy.insurer], actor=actor, premium=str(policy.premium),
         cover=str(policy.cover), **policy_parties(policy))
    return policy


def policy_ends(starts: date, months: int) -> date:
    """The last day in force: a 12-month policy from 3 December runs to 2 December."""
    return add_months(starts, months) - timedelta(days=1)


@transaction.atomic
def policy_pay(*, actor: User, policy_id: int, key: str = "") -> Policy:
    """Pay the premium from the policyholder's balance to the insurer: the policy is issued."""
    policy = POLICY.lock(policy_id, related=("insurer", "policyholder", "product", "loan"))
    POLICY.admit("pay", policy, actor)
    if key and policy.premium_key == key:
        return policy
    if policy.status == Policy.Status.ISSUED:
        raise Conflict(_("The premium of policy #%(policy)s is paid already.") % {"policy": policy.pk},
                       code="paid_already")
    if not policy.product.active:
        raise Conflict(_("The insurer no longer sells this product; ask for a new quote."))
    if policy.loan is not None and policy.loan.status not in GUARANTEED_LOAN_STATUSES:
        raise Conflict(_("The guaranteed loan is %(status)s; there is nothing left to guarantee.")
                       % {"status": policy.loan.get_status_display()})
    POLICY.check(policy, "pay", actor)
    transfer(payer=policy.policyholder, payee=policy.insurer, money=Money(policy.premium, policy.currency),
             reference=policy.ledger_reference, actor=actor)
    today = timezone.localdate()
    policy.starts_on, policy.ends_on = today, policy_ends(today, policy.months)
    policy.premium_paid_at, policy.premium_key = timezone.now(), key
    POLICY.transition(policy, "pay", actor=actor, acting_for=policy.policyholder, check=False,
                      fields=("starts_on", "ends_on", "premium_paid_at", "premium_key"),
                      params={"premium": str(policy.premium), "currency": policy.currency,
                              "ends_on": policy.ends_on.isoformat()})
    tell("policy_issued", policy, to=[policy.insurer], actor=actor, amount=str(policy.premium),
         ends_on=policy.ends_on.isoformat(), **policy_parties(policy))
    return policy


@transaction.atomic
def policy_cancel(*, actor: User, policy_id: int) -> Policy:
    """The policyholder drops a quote it has not paid."""
    policy = POLICY.lock(policy_id, related=PARTIES)
    POLICY.transition(policy, "cancel", actor=actor, acting_for=policy.policyholder)
    tell("policy_cancelled", policy, to=[policy.insurer], actor=actor, **policy_parties(policy))
    return policy


@transaction.atomic
def policy_decline(*, actor: User, policy_id: int, reason: object) -> Policy:
    """The insurer will not cover what was asked; the reason is shown to the policyholder."""
    policy = POLICY.lock(policy_id, related=PARTIES)
    POLICY.admit("decline", policy, actor)
    errors = FieldErrors()
    note = clean_text(reason, field="reason", errors=errors, max_length=2000)
    errors.raise_if_any()
    policy.decline_reason = note
    POLICY.transition(policy, "decline", actor=actor, acting_for=policy.insurer, note=note,
                      fields=("decline_reason",))
    tell("policy_declined", policy, to=[policy.policyholder], actor=actor, reason=note, **policy_parties(policy))
    return policy


def policies_expire(*, today: date | None = None) -> int:
    """The hourly run: policies in force whose last day has passed expire. Returns how many."""
    today = today or timezone.localdate()
    due = Policy.objects.filter(status=Policy.Status.ISSUED, ends_on__lt=today).values_list("pk", flat=True)
    return sum(_expire(pk, today) for pk in sorted(due))


@transaction.atomic
def _expire(policy_id: int, today: date) -> int:
    policy = POLICY.lock(policy_id, related=PARTIES)
    if policy.status != Policy.Status.ISSUED or policy.ends_on is None or policy.ends_on >= today:
        return 0
    POLICY.transition(policy, "expire", actor=None, check=False, params={"ends_on": policy.ends_on.isoformat()})
    tell("policy_expired", policy, to=[policy.policyholder, policy.insurer], actor=None,
         ends_on=policy.ends_on.isoformat(), **policy_parties(policy))
    return 1
