"""Who is told of a securitisation's steps, and how the notices read. The trustee and the
servicer are told they were named; the originator of each subscription and its withdrawal;
the investors, the trustee and the servicer of the issue or of a cancellation; the trustee of
each period's collections (it runs the waterfall next); the trustee and the investors of a
pooled receivable's default; the investors, the originator and the servicer of each period run
and of the product's retirement. Sent through ``finance.notices.tell``; nobody is told of a step
their own organisation took."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.notices import Params, with_reason, wording
from ipx.deals.timeline import money_text
from ipx.finance.models import Product, Subscription
from ipx.finance.notices import tell
from ipx.finance.securitisation.history import retired_text


def tell_securitisation(verb: str, product: Product, *, to: Iterable[Organisation], acting_for: Organisation,
                        actor: User | None, **params: object) -> None:
    """``tell`` the organisations of ``to`` other than the one the step was taken for."""
    others = {organisation.pk: organisation for organisation in to if organisation.pk != acting_for.pk}
    if others:
        tell(verb, product, to=others.values(), actor=actor, name=product.name, currency=product.currency,
             **params)


def investors(product: Product) -> list[Organisation]:
    """The organisations subscribed to the product's tranches."""
    return [row.investor for row in Subscription.objects.filter(tranche__product=product).select_related("investor")]


def _roles(p: Params) -> str:
    roles = tuple(p["roles"])
    if roles == ("trustee", "servicer"):
        return _("trustee and servicer")
    return _("trustee") if roles == ("trustee",) else _("servicer")


wording(
    "finance.abs_named",
    title=lambda p: _("Named %(roles)s of “%(name)s”") % {"roles": _roles(p), "name": p["name"]},
    body=lambda p: _("%(originator)s named your organisation %(roles)s of the securitisation “%(name)s”.")
    % {"originator": p["originator"], "roles": _roles(p), "name": p["name"]},
)
wording(
    "finance.abs_subscribed",
    title=lambda p: _("“%(name)s”: a subscription") % p,
    body=lambda p: _("%(investor)s subscribed %(amount)s of tranche %(tranche)s.")
    % {"investor": p["investor"], "amount": money_text(p), "tranche": p["tranche"]},
)
wording(
    "finance.abs_unsubscribed",
    title=lambda p: _("“%(name)s”: a subscription withdrawn") % p,
    body=lambda p: _("%(investor)s withdrew its subscription of %(amount)s to tranche %(tranche)s.")
    % {"investor": p["investor"], "amount": money_text(p), "tranche": p["tranche"]},
)
wording(
    "finance.abs_issued",
    title=lambda p: _("“%(name)s” issued") % p,
    body=lambda p: _("The notes were issued: the subscriptions, %(amount)s in all, were paid to %(originator)s. "
                     "Servicing starts.")
    % {"amount": money_text(p), "originator": p["originator"]},
)
wording(
    "finance.abs_cancelled",
    title=lambda p: _("“%(name)s” cancelled") % p,
    body=lambda p: _("%(originator)s cancelled the securitisation before its issue; the subscriptions lapse and "
                     "nothing was paid.") % p,
)
wording(
    "finance.abs_collections_recorded",
    title=lambda p: _("“%(name)s”: period %(period)s collected") % p,
    body=lambda p: _("%(servicer)s recorded %(amount)s collected in period %(period)s; the period's waterfall can "
                     "be run.")
    % {"servicer": p["servicer"], "amount": money_text(p), "period": p["period"]},
)
wording(
    "finance.abs_receivable_defaulted",
    title=lambda p: _("“%(name)s”: a pooled receivable defaulted") % p,
    body=lambda p: with_reason(p, _("%(servicer)s marked receivable #%(receivable)s (%(payer)s) defaulted: %(reason)s"),
                               _("%(servicer)s marked receivable #%(receivable)s (%(payer)s) defaulted."),
                               servicer=p["servicer"], receivable=p["receivable"], payer=p["payer"]),
)
wording(
    "finance.abs_period_run",
    title=lambda p: _("“%(name)s”: period %(period)s paid out") % p,
    body=lambda p: " ".join(
        [_("The trustee ran period %(period)s's waterfall over %(amount)s collected; its report shows who was paid.")
         % {"period": p["period"], "amount": money_text(p)}]
        + ([_("Triggers breached: %(names)s.") % {"names": ", ".join(p["breached"])}] if p["breached"] else [])),
)
wording(
    "finance.abs_retired",
    title=lambda p: _("“%(name)s” retired") % p,
    body=retired_text,
)


def tell_named(product: Product, *, actor: User) -> None:
    """Tell the trustee and the servicer that the originator named them (once each, with both
    roles where one organisation holds both)."""
    named = {product.trustee_id: ["trustee"]}
    named.setdefault(product.servicer_id, []).append("servicer")
    for organisation in (product.trustee, product.servicer):
        roles = named.pop(organisation.pk, None)
        if roles:
            tell_securitisation("abs_named", product, to=[organisation], acting_for=product.originator, actor=actor,
                                roles=roles, originator=product.originator.name)
