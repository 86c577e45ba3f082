"""Reads for the catalog, scoped to what the asking user may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import is_member
from ipx.catalog.models import Asset
from ipx.core.errors import NotFound

DETAIL_RELATIONS = ("patent", "trademark", "copyright", "gi_product")


def _public_assets() -> Q:
    """Assets anyone may see: held by a verified organisation and, for patents, published
    (an unpublished application is confidential)."""
    unpublished_application = (
        Q(ip_type=Asset.Type.PATENT)
        & Q(patent__publication_number__isnull=True)
        & Q(patent__grant_number__isnull=True)
        & Q(legal_status=Asset.LegalStatus.PENDING)
    )
    return Q(holder__status=Organisation.Status.VERIFIED) & ~unpublished_application


def asset_visible(user: User | AnonymousUser, asset_id: int) -> Asset:
    asset = (
        Asset.objects.select_related("holder", *DETAIL_RELATIONS)
        .prefetch_related("owners")
        .filter(pk=asset_id)
        .first()
    )
    if asset is None:
        raise NotFound(_("No such asset."))
    if isinstance(user, User) and user.is_authenticated and (user.is_operator or is_member(user, asset.holder_id)):
        return asset
    if not Asset.objects.filter(_public_assets(), pk=asset_id).exists():
        raise NotFound(_("No such asset."))
    return asset


def assets_of_organisation(organisation_id: int, *, ip_type: str | None = None,
                           text: str = "") -> QuerySet[Asset]:
    """An organisation's own assets, for its members."""
    assets = Asset.objects.filter(holder_id=organisation_id).select_related(*DETAIL_RELATIONS)
    if ip_type:
        assets = assets.filter(ip_type=ip_type)
    if text:
        assets = assets.filter(
            Q(title__icontains=text) | Q(patent__application_number__icontains=text)
            | Q(patent__publication_number__icontains=text)
            | Q(trademark__registration_number__icontains=text)
            | Q(copyright__registration_number__icontains=text)
        )
    return assets.order_by("-id")

