"""Data IP on the market: what the registry does when a deal on a registered data product
completes, and what it asks of listings and offers.

- A completed transfer is recorded by the registry itself: the buyer becomes the registrant
  and gets a new certificate (same term) that supersedes the seller's; the product's history
  says which deal did it. A completed licence is recorded as an event on the product (the
  registration stays with its holder). ``on_deal_completed`` is subscribed to
  ``deal.completed`` in ``DataIpConfig.ready``.
- A registration that no longer stands (cancelled, revoked, refused, or its certificate past
  its end) cannot be offered: the check is registered with listings and with the acceptance
  of offers that would take the rights.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services.certificates import _current, _end, _issue
from ipx.dataip.workflow import DATA_PRODUCT
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.models import Deal, DealKind
from ipx.listings.models import Listing

logger = logging.getLogger(__name__)

S = DataProduct.Status
STANDING = (S.GRANTED, S.CHANGE_REVIEW)  # registered, with a valid certificate


def on_deal_completed(deal_id: int) -> None:
    """Record a completed deal's data products in the register (nothing for other assets)."""
    record_deal(deal_id)


@transaction.atomic
def record_deal(deal_id: int) -> list[DataProduct]:
    """The registry's recordal of a completed deal: a transfer moves each registered data
    product it covers to the buyer with a new certificate; a licence is recorded as an event.
    Recording twice changes nothing the second time."""
    deal = Deal.objects.select_related("seller", "buyer", "recordal_checked_by").get(pk=deal_id)
    if deal.status != Deal.Status.COMPLETED:
        return []
    asset_ids = list(deal.asset_links.values_list("asset_id", flat=True))
    ids = list(DataProduct.objects.filter(asset_id__in=asset_ids).order_by("pk").values_list("pk", flat=True))
    recorded = []
    for product_id in ids:
        product = DATA_PRODUCT.lock(product_id, related=("registrant", "asset"))
        if product.status not in STANDING:
            logger.warning("deal %s completed on data product %s, which is %s: not recorded", deal.pk,
                           product.pk, product.status)
            continue
        if deal.kind == DealKind.TRANSFER:
            if _transfer(product, deal):
                recorded.append(product)
        elif _licence(product, deal):
            recorded.append(product)
    return recorded


def _already(product: DataProduct, verb: str, deal: Deal) -> bool:
    return product.events.filter(verb=verb, params__deal_id=deal.pk).exists()


def _transfer(product: DataProduct, deal: Deal) -> bool:
    if _already(product, "record_transfer", deal) or product.registrant_id == deal.buyer_id:
        return False
    previous = _current(product)
    _end(previous, Certificate.Status.SUPERSEDED, _("Transferred to %(buyer)s by deal %(deal)s.")
         % {"buyer": deal.buyer.name, "deal": deal_number(deal)})
    seller = product.registrant
    product.registrant = deal.buyer
    product.save(update_fields=["registrant"])
    certificate = _issue(product, valid_until=previous.valid_until)
    DATA_PRODUCT.record(product, "record_transfer", actor=deal.recordal_checked_by, params={
        "deal_id": deal.pk, "deal": deal_number(deal), "from": seller.name, "to": deal.buyer.name,
        "certificate": certificate.number, "superseded": previous.number})
    return True


def _licence(product: DataProduct, deal: Deal) -> bool:
    if _already(product, "record_licence", deal):
        return False
    DATA_PRODUCT.record(product, "record_licence", actor=deal.recordal_checked_by, params={
        "deal_id": deal.pk, "deal": deal_number(deal), "licensee": deal.buyer.name,
        "exclusivity": deal.licence_exclusivity, "term_months": deal.licence_term_months,
        "territory": deal.licence_territory})
    return True


# --- What listings and offers ask -----------------------------------------------------------

def registrations_not_standing(asset_ids: Sequence[int]) -> str | None:
    """Why these assets cannot be offered, if one is a data product whose registration does
    not stand (cancelled, revoked, refused or past its certificate's end); None otherwise."""
    products = DataProduct.objects.filter(asset_id__in=list(asset_ids)).order_by("pk")
    today = timezone.localdate()
    for product in products:
        if product.status not in STANDING:
            return _("“%(name)s” is no longer registered (%(status)s): it cannot be offered.") % {
                "name": product.name, "status": product.get_status_display()}
        current = product.certificates.filter(status=Certificate.Status.VALID).order_by("-valid_until").first()
        if current is None or current.valid_until < today:
            return _("The registration of “%(name)s” has ended: renew it before offering it.") % {
                "name": product.name}
    return None


def listing_registrations_stand(listing: Listing) -> str | None:
    return registrations_not_standing(list(listing.asset_links.values_list("asset_id", flat=True)))
