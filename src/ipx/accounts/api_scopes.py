"""Which scope of an API token each request needs.

Reading (GET, HEAD, OPTIONS) needs ``read``; any other method ``write``; and the operations
named in ``MONEY_OPERATIONS`` — those that move money or commit an organisation — need
``money`` instead. This set is the one place they are declared: an endpoint that moves money
or binds must be added here, and ``accounts/tests/test_api_scopes.py`` fails on a write
operation of the API that is neither here nor in its list of plain writes.

Operations are named by method and path as the OpenAPI document shows them, relative to the
API's mount (``/api/v1``), so the set reads like the documentation and needs no import of the
apps above accounts.

One operation's scope depends on its body: an invitation with a role that administers
(``BINDING_ROLES``) needs what naming a signatory needs (``scope_for_role``), which its
endpoint asks once it has read the role.
"""

from __future__ import annotations

import re

from django.http import HttpRequest

from ipx.accounts.models import ApiToken, Membership

Scope = ApiToken.Scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_MOUNT = "api/v1"

MONEY_OPERATIONS: frozenset[tuple[str, str]] = frozenset({
    # The ledger: money in and out of an organisation's account.
    ("POST", "/organisations/{organisation_id}/deposits"),
    ("POST", "/organisations/{organisation_id}/payouts"),
    # An auction bid holds the bidder's deposit and binds it to buy at its price.
    ("POST", "/auctions/lots/{lot_id}/bids"),
    # Paying for a won lot charges the premium and funds escrow; taking a lot offered to the
    # runner-up makes its deal.
    ("POST", "/auctions/lots/{lot_id}/settlement/pay"),
    ("POST", "/auctions/lots/{lot_id}/settlement/accept"),
    # Escrow: into it, and out of it to the seller.
    ("POST", "/deals/{deal_id}/milestones/{position}/fund"),
    ("POST", "/deals/{deal_id}/milestones/{position}/release"),
    # Approving a recordal completes the deal and releases what escrow holds for it.
    ("POST", "/deals/{deal_id}/recordal/check"),
    # Commitments: accepting an offer makes a deal; signing and concluding bind the party.
    ("POST", "/offers/{offer_id}/accept"),
    ("POST", "/deals/{deal_id}/sign"),
    ("POST", "/deals/{deal_id}/conclude"),
    # Cancelling ends a binding deal and returns escrowed money; after signing a party asks for
    # it (a signatory's step that holds the escrow) and an operator decides.
    ("POST", "/deals/{deal_id}/cancel"),
    ("POST", "/deals/{deal_id}/cancellation-request"),
    ("POST", "/deals/{deal_id}/cancellation-request/decision"),
    # Insurance: a premium paid to the insurer (issuing the policy); a claim approved commits the
    # insurer to pay it, and paying moves the money.
    ("POST", "/finance/insurance/policies/{policy_id}/pay"),
    ("POST", "/finance/insurance/claims/{claim_id}/approve"),
    ("POST", "/finance/insurance/claims/{claim_id}/pay"),
    # Pledge loans: the bank's offer and the borrower's acceptance bind them; the pledge check
    # pays the loan out; instalments, early repayment and recoveries move money; an appraiser's
    # sign-off commits it to the value a bank lends on.
    ("POST", "/finance/loans/{loan_id}/offer"),
    ("POST", "/finance/loans/{loan_id}/accept"),
    ("POST", "/finance/loans/{loan_id}/pledge-check"),
    ("POST", "/finance/loans/{loan_id}/pay"),
    ("POST", "/finance/loans/{loan_id}/prepay"),
    ("POST", "/finance/loans/{loan_id}/recoveries"),
    ("POST", "/finance/valuations/{valuation_id}/sign-off"),
    # Securitisation: a subscription binds the investor to pay at issue; issue pays the
    # subscriptions in and the proceeds out; collections are paid in by the servicer; a period's
    # run pays the waterfall; retiring pays the reserve left to the originator.
    ("POST", "/finance/securitisation/products/{product_id}/subscriptions"),
    ("POST", "/finance/securitisation/products/{product_id}/issue"),
    ("POST", "/finance/securitisation/products/{product_id}/periods"),
    ("POST", "/finance/securitisation/products/{product_id}/periods/{number}/run"),
    ("POST", "/finance/securitisation/products/{product_id}/retire"),
    # Cancelling a data-IP registration gives up the registered right (its signatories').
    ("POST", "/dataip/products/{product_id}/cancel"),
    # Naming or unnaming a signatory decides who may do all of the above.
    ("PATCH", "/organisations/{organisation_id}/members/{user_id}"),
})

NAMING_A_SIGNATORY = ("PATCH", "/organisations/{organisation_id}/members/{user_id}")
# Roles that sign for the organisation and name its signatories: an administrator may do more
# than a signatory, so a token that may not name one may not make one either (by inviting).
BINDING_ROLES = frozenset({Membership.Role.ADMIN.value})

_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def operation_of(request: HttpRequest) -> tuple[str, str] | None:
    """The (method, path template) of an API request, e.g. ("POST", "/deals/{deal_id}/sign"),
    from the route it was resolved by; None outside the API."""
    match = request.resolver_match
    if match is None or not match.route.startswith(API_MOUNT):
        return None
    path = _PARAMETER.sub(r"{\1}", match.route.removeprefix(API_MOUNT))
    return (request.method or "GET").upper(), path if path.startswith("/") else "/" + path


def scope_needed(request: HttpRequest) -> str:
    return scope_for((request.method or "GET").upper(), operation_of(request))


def scope_for(method: str, operation: tuple[str, str] | None) -> str:
    """The scope a request with this method to this operation (as ``operation_of`` gives it)
    needs; also for a request not routed yet, whose operation is known."""
    if method in SAFE_METHODS:
        return Scope.READ.value
    if operation in MONEY_OPERATIONS:
        return Scope.MONEY.value
    return Scope.WRITE.value


def scope_for_role(role: str) -> str:
    """The scope a token needs to give someone ``role`` (inviting them with it): that of naming
    a signatory for a role in ``BINDING_ROLES``, else that of a plain write."""
    if role in BINDING_ROLES:
        return scope_for(NAMING_A_SIGNATORY[0], NAMING_A_SIGNATORY)
    return Scope.WRITE.value
