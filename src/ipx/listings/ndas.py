"""Non-disclosure agreements: a member accepts a listing's terms for their organisation; the
text accepted, who, when and from which address are kept as evidence. Once accepted, the
listing's documents open to the organisation's members (``selectors.document_access``)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import Conflict, PermissionDenied
from ipx.core.network import client_ip
from ipx.listings.models import NdaAcceptance
from ipx.listings.selectors import listing_visible
from ipx.notifications.services import notify


@transaction.atomic
def nda_accept(*, listing_id: int, actor: User, organisation_id: int, ip_address: str | None = None) -> NdaAcceptance:
    """A member accepts a listing's non-disclosure terms for their organisation. Accepting
    again changes nothing."""
    organisation = access_organisation(actor, organisation_id)
    listing = listing_visible(actor, listing_id)
    if not listing.requires_nda:
        raise Conflict(_("This listing's documents need no non-disclosure agreement."))
    if listing.organisation_id == organisation.pk:
        raise Conflict(_("The seller does not accept its own non-disclosure terms."))
    if not organisation.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; it can accept non-disclosure terms once the "
                                 "operator has verified it.") % {"name": organisation.name})
    existing = NdaAcceptance.objects.filter(listing=listing, organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acceptance = NdaAcceptance.objects.create(listing=listing, organisation=organisation, user=actor,
                                                      nda_text=listing.nda_text, ip_address=client_ip(ip_address))
    except IntegrityError:
        return NdaAcceptance.objects.get(listing=listing, organisation=organisation)
    notify(verb="nda.accepted", params={"name": organisation.name, "title": listing.title},
           url=reverse("listings:detail", args=[listing.pk]), organisations=[listing.organisation], exclude=actor)
    return acceptance
