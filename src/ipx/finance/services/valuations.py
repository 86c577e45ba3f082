"""A valuation from request to sign-off.

The requester (a verified organisation, for its own rights) asks an appraiser (an IP service
agency); the appraiser accepts or declines with a reason, records the income, cost and market
approaches (each recomputed from its inputs by ``ipx.finance.valuation`` and kept with them;
recording an approach again replaces it), and signs off a concluding value or range with its
reasoning. The income approach's useful life is capped by the rights' remaining legal term
from the catalog; the market approach takes comparable concluded deals on the exchange.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.catalog.models import Asset
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.core.money import check_currency, collect_amount
from ipx.core.validation import FieldErrors, clean_text
from ipx.deals.models import Commitment, Deal
from ipx.finance import valuation as approaches
from ipx.finance.inputs import adjustment as read_adjustment
from ipx.finance.inputs import amounts, percent
from ipx.finance.models import Valuation, ValuationAsset
from ipx.finance.notices import tell, valuation_parties
from ipx.finance.workflow import VALUATION

MAX_REASONING = 5000
MAX_COMPARABLES = 50
CONCLUDED = (Deal.Status.SIGNED, Deal.Status.RECORDAL_SUBMITTED, Deal.Status.COMPLETED)
DAYS_A_YEAR = Decimal("365.25")


def legal_term_years(assets: Sequence[Asset], on: date) -> Decimal | None:
    """The years left until the first of the rights expires (None when none has a term)."""
    expiries = [e for e in (asset.expiry_date for asset in assets) if e is not None]
    if not expiries:
        return None
    return max(Decimal(0), (Decimal((min(expiries) - on).days) / DAYS_A_YEAR).quantize(Decimal("0.01")))


@transaction.atomic
def valuation_request(*, actor: User, requester_id: int, appraiser_id: int, asset_ids: Sequence[int],
                      purpose: object, currency: object = "CNY") -> Valuation:
    requester = access_organisation(actor, requester_id)
    errors = FieldErrors()
    appraiser = Organisation.objects.filter(pk=appraiser_id, kind=Organisation.Kind.AGENCY).first()
    if appraiser is None or not appraiser.is_verified:
        errors.add("appraiser_id", _("Choose a verified IP service agency as the appraiser."))
    elif appraiser.pk == requester.pk:
        errors.add("appraiser_id", _("An organisation does not value its own rights."))
    owned = list(Asset.objects.filter(pk__in=list(asset_ids), holder=requester))
    if not asset_ids or len(owned) != len(set(asset_ids)):
        errors.add("asset_ids", _("Choose one or more of your own organisation's IP rights."))
    text = clean_text(purpose, field="purpose", errors=errors, max_length=300)
    try:
        code = check_currency(currency)
    except ValidationFailed as exc:
        errors.collect(exc)
        code = ""
    errors.raise_if_any()
    if not requester.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet.") % {"name": requester.name})
    assert appraiser is not None
    valuation = Valuation.objects.create(requester=requester, appraiser=appraiser, purpose=text, currency=code,
                                         valuation_date=timezone.localdate(), created_by=actor)
    ValuationAsset.objects.bulk_create(ValuationAsset(valuation=valuation, asset=asset) for asset in owned)
    VALUATION.record(valuation, "request", actor=actor, acting_for=requester, from_status="")
    tell("valuation_requested", valuation, to=[appraiser], actor=actor, purpose=text, **valuation_parties(valuation))
    return valuation


@transaction.atomic
def valuation_accept(*, actor: User, valuation_id: int) -> Valuation:
    valuation = VALUATION.lock(valuation_id)
    VALUATION.transition(valuation, "accept", actor=actor, acting_for=valuation.appraiser)
    tell("valuation_accepted", valuation, to=[valuation.requester], actor=actor, **valuation_parties(valuation))
    return valuation


@transaction.atomic
def valuation_decline(*, actor: User, valuation_id: int, reason: object) -> Valuation:
    errors = FieldErrors()
    note = clean_text(reason, field="reason", errors=errors, max_length=2000)
    errors.raise_if_any()
    valuation = VALUATION.lock(valuation_id)
    VALUATION.transition(valuation, "decline", actor=actor, acting_for=valuation.appraiser, note=note)
    tell("valuation_declined", valuation, to=[valuation.requester], actor=actor, reason=note,
         **valuation_parties(valuation))
    return valuation


def _recording(actor: User, valuation_id: int) -> Valuation:
    valuation = VALUATION.lock(valuation_id)
    VALUATION.check(valuation, "record", actor)
    return valuation


@transaction.atomic
def valuation_record_income(*, actor: User, valuation_id: int, values: Mapping[str, object]) -> Valuation:
    """Relief from royalty: ``revenues`` (one per year), ``royalty_percent``, ``tax_percent``,
    ``discount_percent``."""
    valuation = _recording(actor, valuation_id)
    errors = FieldErrors()
    revenues = amounts(values.get("revenues"), valuation.currency, field="revenues", errors=errors)
    royalty = percent(values.get("royalty_percent"), field="royalty_percent", errors=errors, high=Decimal(50))
    tax = percent(values.get("tax_percent"), field="tax_percent", errors=errors, high=Decimal(60))
    discount = percent(values.get("discount_percent"), field="discount_percent", errors=errors, high=Decimal(60),
                       low=Decimal("0.01"))
    errors.raise_if_any()
    term = legal_term_years(list(valuation.assets.all()), valuation.valuation_date)
    result = approaches.income_value(revenues=revenues, royalty_percent=royalty, tax_percent=tax,
                                     discount_percent=discount, legal_term_years=term)
    valuation.income_inputs = {"revenues": [str(r) for r in revenues], "royalty_percent": str(royalty),
                               "tax_percent": str(tax), "discount_percent": str(discount),
                               "legal_term_years": None if term is None else str(term)}
    valuation.income_value = result.value
    VALUATION.transition(valuation, "record", actor=actor, fields=("income_inputs", "income_value"), check=False,
                         params={"approach": "income", "value": str(result.value)})
    return valuation


@transaction.atomic
def valuation_record_cost(*, actor: User, valuation_id: int, values: Mapping[str, object]) -> Valuation:
    valuation = _recording(actor, valuation_id)
    errors = FieldErrors()
    cost = collect_amount(values.get("reproduction_cost"), valuation.currency, field="reproduction_cost", errors=errors)
    functional = percent(values.get("functional_percent"), field="functional_percent", errors=errors)
    economic = percent(values.get("economic_percent"), field="economic_percent", errors=errors)
    errors.raise_if_any()
    result = approaches.cost_value(reproduction_cost=cost, functional_percent=functional, economic_percent=economic)
    valuation.cost_inputs = {"reproduction_cost": str(cost), "functional_percent": str(functional),
                             "economic_percent": str(economic)}
    valuation.cost_value = result.value
    VALUATION.transition(valuation, "record", actor=actor, fields=("cost_inputs", "cost_value"), check=False,
                         params={"approach": "cost", "value": str(result.value)})
    return valuation


def comparable_deals(valuation: Valuation) -> list[Deal]:
    """Concluded deals on the exchange, in the valuation's currency, of rights of the same IP
    type and (for patents) the same IPC subclass as a valued right."""
    assets = list(valuation.assets.select_related("patent"))
    subclasses = {asset.patent.ipc_main[:4] for asset in assets
                  if asset.ip_type == Asset.Type.PATENT and hasattr(asset, "patent") and asset.patent.ipc_main}
    same_subclass = Q()
    for subclass in sorted(subclasses):
        same_subclass |= Q(assets__patent__ipc_main__startswith=subclass)
    # Signed contracts only: an intended agreement (a letter of intent) sets no market price.
    deals = (Deal.objects.filter(same_subclass, status__in=CONCLUDED, commitment=Commitment.CONCLUDED,
                                 currency=valuation.currency,
                                 assets__ip_type__in={asset.ip_type for asset in assets})
             .exclude(assets__in=assets).distinct())
    return list(deals.order_by("-created_at")[:MAX_COMPARABLES])


@transaction.atomic
def valuation_record_market(*, actor: User, valuation_id: int, adjustments: Mapping[int, object]) -> Valuation:
    """The market approach on the chosen comparable deals (deal id → adjustment in percent);
    fewer than the approach needs is recorded with no value, and says so."""
    valuation = _recording(actor, valuation_id)
    allowed = {deal.pk: deal for deal in comparable_deals(valuation)}
    errors = FieldErrors()
    chosen = []
    for deal_id, adjustment in adjustments.items():
        if deal_id not in allowed:
            errors.add("adjustments", _("Deal %(deal)s is not a comparable concluded deal.") % {"deal": deal_id})
            continue
        chosen.append(approaches.Comparable(str(deal_id), allowed[deal_id].price_amount,
                                            read_adjustment(adjustment, field="adjustments", errors=errors)))
    errors.raise_if_any()
    result = approaches.market_value(chosen)
    valuation.market_inputs = {"comparables": [{"deal": c.reference, "price": str(c.price),
                                                "adjustment_percent": str(c.adjustment_percent)} for c in chosen]}
    valuation.market_value = result.value
    VALUATION.transition(valuation, "record", actor=actor, fields=("market_inputs", "market_value"), check=False,
                         params={"approach": "market", "value": None if result.value is None else str(result.value),
                                 "comparables": len(chosen)})
    return valuation


@transaction.atomic
def valuation_sign_off(*, actor: User, valuation_id: int, value: object, low: object = None, high: object = None,
                       reasoning: object = "") -> Valuation:
    """The appraiser's concluding value (and range, when given) with its reasoning."""
    valuation = VALUATION.lock(valuation_id)
    VALUATION.check(valuation, "sign_off", actor)
    if valuation.income_value is None and valuation.cost_value is None and valuation.market_value is None:
        raise Conflict(_("Record at least one approach before signing off."))
    errors = FieldErrors()
    concluded = collect_amount(value, valuation.currency, field="value", errors=errors)
    bounds = [None if bound in (None, "") else collect_amount(bound, valuation.currency, field=field, errors=errors)
              for field, bound in (("low", low), ("high", high))]
    text = clean_text(reasoning, field="reasoning", errors=errors, max_length=MAX_REASONING)
    if not errors and (bounds[0] is None) != (bounds[1] is None):
        errors.add("high", _("Give both ends of the range, or neither."))
    if not errors and bounds[0] is not None and bounds[1] is not None and not bounds[0] <= concluded <= bounds[1]:
        errors.add("value", _("The value lies within the range."))
    errors.raise_if_any()
    valuation.concluded_value, valuation.concluded_low, valuation.concluded_high = concluded, bounds[0], bounds[1]
    valuation.reasoning, valuation.signed_off_by, valuation.signed_off_at = text, actor, timezone.now()
    VALUATION.transition(valuation, "sign_off", actor=actor, acting_for=valuation.appraiser, check=False,
                         fields=("concluded_value", "concluded_low", "concluded_high", "reasoning", "signed_off_by",
                                 "signed_off_at"), params={"value": str(concluded)})
    tell("valuation_signed_off", valuation, to=[valuation.requester], actor=actor, amount=str(concluded),
         currency=valuation.currency, **valuation_parties(valuation))
    return valuation


@transaction.atomic
def valuation_withdraw(*, actor: User, valuation_id: int) -> Valuation:
    valuation = VALUATION.lock(valuation_id)
    VALUATION.transition(valuation, "withdraw", actor=actor, acting_for=valuation.requester)
    tell("valuation_withdrawn", valuation, to=[valuation.appraiser], actor=actor, **valuation_parties(valuation))
    return valuation
