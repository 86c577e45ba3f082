"""The members page of the organisation a person acts for: who belongs, who may sign for it,
and, for its administrators, naming and unnaming signatories (``services.membership_signatory``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ipx.accounts import selectors, services
from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.accounts.models import Membership
from ipx.core.errors import ApplicationError


@login_required
@require_GET
def members_page(request: AuthenticatedRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    return render(request, "accounts/members.html", {
        "organisation": current.organisation,
        "members": selectors.organisation_members(request.user, current.organisation_id),
        "is_admin": current.role == Membership.Role.ADMIN,
    })


@login_required
@require_POST
def signatory(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    """Name (``signatory=1``) or unname (``signatory=0``) a member; the service decides who may."""
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    named = request.POST.get("signatory") == "1"
    try:
        membership = services.membership_signatory(organisation_id=current.organisation_id, user_id=user_id,
                                                   actor=request.user, signatory=named)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:members")
    name = membership.user.full_name or membership.user.email
    if named:
        messages.success(request, _("%(name)s may now sign for the organisation.") % {"name": name})
    else:
        messages.success(request, _("%(name)s no longer signs for the organisation.") % {"name": name})
    return redirect("accounts:members")
