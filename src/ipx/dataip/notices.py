"""What the registry tells a registrant of its data product's review and registration, and an
objector of the decision on its objection, in the reader's language when read or mailed. The
registrant hears of each reviewer's step (passed, returned, rejected, published, granted,
refused; a change approved or refused; a revocation) and of each objection made and decided;
its own steps (submit, withdraw, renew, cancel) tell no one. Params are the product's name and
what the sentence needs, so a notice reads the same later on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.notices import Params, wording
from ipx.dataip.models import DataProduct, Objection
from ipx.notifications.services import notify


def page(product: DataProduct) -> str:
    return f"/dataip/products/{product.pk}/"


def tell(verb: str, product: DataProduct, *, actor: User | None, **params: object) -> None:
    """Notify the registrant's members (not ``actor``) of ``verb`` on ``product``."""
    notify(verb=f"dataip.{verb}", organisations=[product.registrant], exclude=actor, url=page(product),
           params={"name": product.name, **params})


def tell_decided(objection: Objection, *, actor: User) -> None:
    """The registrant and the objector (its organisation's members, or the person alone) hear
    whether the objection was upheld, with the reviewer's note."""
    product = objection.product
    params = {"name": product.name, "upheld": objection.status == Objection.Status.UPHELD,
              "reason": objection.resolution}
    notify(verb="dataip.objection_decided", organisations=[product.registrant], exclude=actor, url=page(product),
           params=params)
    objector = objection.organisation
    notify(verb="dataip.objection_decided", exclude=actor, url=page(product), params=params,
           organisations=[objector] if objector else [], users=[] if objector else [objection.objector])


def _decided(p: Params) -> str:
    if p["upheld"]:
        return _("The registry upheld the objection to “%(name)s”: %(reason)s") % p
    return _("The registry dismissed the objection to “%(name)s”: %(reason)s") % p


wording(
    "dataip.formal_passed",
    title=lambda p: _("“%(name)s” passed the formal check") % p,
    body=lambda p: _("The substantive check follows; the registry's answer is due by %(due)s.") % p,
)
wording(
    "dataip.returned",
    title=lambda p: _("“%(name)s” returned for changes") % p,
    body=lambda p: _("The registry asks: %(reason)s Edit the application and submit it again.") % p,
)
wording(
    "dataip.rejected",
    title=lambda p: _("“%(name)s” rejected") % p,
    body=lambda p: _("The registry rejected the application: %(reason)s") % p,
)
wording(
    "dataip.published",
    title=lambda p: _("“%(name)s” published for objections") % p,
    body=lambda p: _("Anyone may object until %(until)s; the registration is decided after that.") % p,
)
wording(
    "dataip.objected",
    title=lambda p: _("An objection to “%(name)s”") % p,
    body=lambda p: _("An objection was made during publicity: %(reason)s The registry decides it before the "
                     "registration.") % p,
)
wording(
    "dataip.objection_decided",
    title=lambda p: (_("Objection to “%(name)s” upheld") if p["upheld"] else _("Objection to “%(name)s” dismissed"))
    % p,
    body=_decided,
)
wording(
    "dataip.granted",
    title=lambda p: _("“%(name)s” registered") % p,
    body=lambda p: _("Certificate %(certificate)s was issued; download it on the product's page.") % p,
)
wording(
    "dataip.refused",
    title=lambda p: _("“%(name)s”: registration refused") % p,
    body=lambda p: _("The registry refused the registration: %(reason)s") % p,
)
wording(
    "dataip.change_approved",
    title=lambda p: _("The change to “%(name)s” was approved") % p,
    body=lambda p: _("Certificate %(certificate)s replaces the previous one.") % p,
)
wording(
    "dataip.change_refused",
    title=lambda p: _("The change to “%(name)s” was refused") % p,
    body=lambda p: _("The registry refused it: %(reason)s") % p,
)
wording(
    "dataip.revoked",
    title=lambda p: _("The registration of “%(name)s” was revoked") % p,
    body=lambda p: _("The registry revoked it: %(reason)s Any listing of it was taken off the market.") % p,
)
