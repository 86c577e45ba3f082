"""Reads of the data-IP register."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import is_member
from ipx.core.errors import NotFound
from ipx.dataip.models import Certificate


def certificate_for(user: User, number: str) -> Certificate:
    """A certificate its registrant's members and the registry's operators may download."""
    certificate = Certificate.objects.select_related("product__registrant", "product__created_by").filter(
        number=number).first()
    if certificate is None or not (getattr(user, "is_operator", False) or (
            user.is_authenticated and is_member(user, certificate.product.registrant_id))):
        raise NotFound(_("No such certificate."))
    return certificate
