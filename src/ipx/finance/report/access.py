"""Who may read a valuation's report: the requester's and the appraiser's members, the members
of a bank a loan application names the valuation to, and the exchange's operators. For anyone
else the valuation does not exist; for those who may read it, a valuation not yet signed off
has no report yet."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotFound
from ipx.core.ids import MAX_ID
from ipx.finance.models import Loan, Valuation
from ipx.finance.report.fingerprint import report_number
from ipx.finance.report.pdf import NOT_SIGNED_OFF


def may_read_report(user: User | AnonymousUser, valuation: Valuation) -> bool:
    """Whether ``user`` may read the valuation's report (whatever its status)."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_operator", False):
        return True
    mine = set(memberships_of(user).values_list("organisation_id", flat=True))
    if {valuation.requester_id, valuation.appraiser_id} & mine:
        return True
    return Loan.objects.filter(Q(valuation=valuation) & Q(bank_id__in=mine)).exists()


def valuation_report_of(user: User | AnonymousUser, valuation_id: int) -> Valuation:
    """The signed-off valuation whose report ``user`` asks for (``NotFound`` otherwise, with
    the reason for those who may read it)."""
    valuation = Valuation.objects.filter(pk=valuation_id).first() if 0 < valuation_id < MAX_ID else None
    if valuation is None or not may_read_report(user, valuation):
        raise NotFound(_("No such valuation."))
    if valuation.status != Valuation.Status.SIGNED_OFF:
        raise NotFound(NOT_SIGNED_OFF)
    return valuation


def report_filename(valuation: Valuation) -> str:
    """The file name a download offers: the report's number."""
    return f"{report_number(valuation)}.pdf"
