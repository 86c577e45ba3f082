"""Every write operation of the API is declared: as one that moves money or binds (in
``ipx.accounts.api_scopes.MONEY_OPERATIONS``, where a token needs the money scope) or as a
plain write (below, where write suffices). A new endpoint fails here until someone decides
which it is; a request is matched to its operation by the name the documentation gives it."""

from __future__ import annotations

import re

from django.test import RequestFactory
from django.urls import resolve

from ipx.accounts.api_scopes import MONEY_OPERATIONS, SAFE_METHODS, operation_of, scope_needed
from ipx.api.api import api

# Writes that neither move money nor commit an organisation: the write scope suffices.
PLAIN_WRITES = frozenset({
    ("POST", "/users"),
    ("POST", "/auth/token"),
    ("POST", "/auth/password-reset"),
    ("POST", "/auth/email-confirmation"),
    ("POST", "/me/email-confirmation"),
    # Needs the current password as well.
    ("POST", "/me/password"),
    ("POST", "/auth/tokens"),
    ("DELETE", "/auth/tokens/{token_id}"),
    ("POST", "/organisations"),
    ("PATCH", "/organisations/{organisation_id}"),
    ("POST", "/organisations/{organisation_id}/resubmit"),
    ("POST", "/organisations/{organisation_id}/verify"),
    ("POST", "/organisations/{organisation_id}/reject"),
    # Inviting a member; inviting an administrator needs the money scope (``scope_for_role``).
    ("POST", "/organisations/{organisation_id}/invitations"),
    ("POST", "/invitations/{token}/accept"),
    ("POST", "/assets"),
    ("PATCH", "/assets/{asset_id}"),
    ("DELETE", "/assets/{asset_id}"),
    ("POST", "/imports"),
    ("POST", "/listings"),
    ("PATCH", "/listings/{listing_id}"),
    ("DELETE", "/listings/{listing_id}"),
    ("POST", "/listings/{listing_id}/submit"),
    ("POST", "/listings/{listing_id}/recall"),
    ("POST", "/listings/{listing_id}/withdraw"),
    ("POST", "/listings/{listing_id}/reopen"),
    ("POST", "/listings/{listing_id}/approve"),
    ("POST", "/listings/{listing_id}/reject"),
    ("POST", "/listings/{listing_id}/documents"),
    ("DELETE", "/listings/{listing_id}/documents/{document_id}"),
    # Accepting an NDA opens documents to read; it commits to no deal and moves no money.
    ("POST", "/listings/{listing_id}/nda"),
    ("POST", "/notifications/read"),
    # Negotiating: offers and counters bind nobody until the other side accepts.
    ("POST", "/threads"),
    ("POST", "/threads/{thread_id}/close"),
    ("POST", "/threads/{thread_id}/agents"),
    ("POST", "/threads/{thread_id}/messages"),
    ("POST", "/threads/{thread_id}/offers"),
    ("POST", "/offers/{offer_id}/counter"),
    ("POST", "/offers/{offer_id}/withdraw"),
    ("POST", "/offers/{offer_id}/reject"),
    # Declining a lot offered to the runner-up commits to nothing; the operator's offer of it
    # binds the bidder to nothing until it takes the lot.
    ("POST", "/auctions/lots/{lot_id}/settlement/decline"),
    ("POST", "/auctions/lots/{lot_id}/runner-up"),
    # Insurance: a product, a quote (paying it is the commitment), a claim filed or refused.
    ("POST", "/finance/insurance/products"),
    ("PUT", "/finance/insurance/products/{product_id}"),
    ("POST", "/finance/insurance/policies"),
    ("POST", "/finance/insurance/policies/{policy_id}/cancel"),
    ("POST", "/finance/insurance/policies/{policy_id}/decline"),
    ("POST", "/finance/insurance/policies/{policy_id}/claims"),
    ("POST", "/finance/insurance/claims/{claim_id}/reject"),
    # Data IP: an application drafted, applied for, withdrawn, changed or renewed (the registry
    # decides each); the reviewers' steps; objections.
    ("POST", "/dataip/products"),
    ("POST", "/dataip/products/{product_id}/application"),
    ("POST", "/dataip/products/{product_id}/submit"),
    ("POST", "/dataip/products/{product_id}/withdraw"),
    ("POST", "/dataip/products/{product_id}/change-request"),
    ("POST", "/dataip/products/{product_id}/renew"),
    ("POST", "/dataip/products/{product_id}/pass-formal"),
    ("POST", "/dataip/products/{product_id}/return"),
    ("POST", "/dataip/products/{product_id}/reject"),
    ("POST", "/dataip/products/{product_id}/publish"),
    ("POST", "/dataip/products/{product_id}/grant"),
    ("POST", "/dataip/products/{product_id}/refuse"),
    ("POST", "/dataip/products/{product_id}/change/approve"),
    ("POST", "/dataip/products/{product_id}/change/refuse"),
    ("POST", "/dataip/products/{product_id}/revoke"),
    ("POST", "/dataip/objections/{objection_id}/decision"),
    ("POST", "/dataip/publicity/{product_id}/objections"),
    # The seller's recordal number is checked by an operator before any money moves.
    ("POST", "/deals/{deal_id}/recordal"),
    ("POST", "/demands"),
    ("PATCH", "/demands/{demand_id}"),
    ("POST", "/demands/{demand_id}/submit"),
    ("POST", "/demands/{demand_id}/recall"),
    ("POST", "/demands/{demand_id}/approve"),
    ("POST", "/demands/{demand_id}/reject"),
    ("POST", "/demands/{demand_id}/close"),
    ("POST", "/demands/{demand_id}/matches/refresh"),
    ("POST", "/saved-searches"),
    ("PATCH", "/saved-searches/{saved_search_id}"),
    ("DELETE", "/saved-searches/{saved_search_id}"),
    # Finance steps that neither move money nor bind (see MONEY_OPERATIONS for those that do).
    ("POST", "/finance/loans"),
    ("POST", "/finance/loans/{loan_id}/decline"),
    ("POST", "/finance/loans/{loan_id}/withdraw"),
    ("POST", "/finance/loans/{loan_id}/pledge"),
    ("POST", "/finance/loans/{loan_id}/enrol"),
    ("POST", "/finance/loans/{loan_id}/valuation"),
    ("POST", "/finance/pools"),
    ("POST", "/finance/pools/{pool_id}/members"),
    ("POST", "/finance/valuations"),
    ("POST", "/finance/valuations/{valuation_id}/accept"),
    ("POST", "/finance/valuations/{valuation_id}/decline"),
    ("POST", "/finance/valuations/{valuation_id}/income"),
    ("POST", "/finance/valuations/{valuation_id}/cost"),
    ("POST", "/finance/valuations/{valuation_id}/market"),
    ("POST", "/finance/valuations/{valuation_id}/withdraw"),
    # Securitisation steps that commit nobody to pay: receivables, the pool, the structure
    # (until investors subscribe), a payer's status, cancelling before issue.
    ("POST", "/finance/securitisation/receivables"),
    ("POST", "/finance/securitisation/receivables/{receivable_id}/status"),
    ("POST", "/finance/securitisation/products"),
    ("POST", "/finance/securitisation/products/{product_id}/pool"),
    ("POST", "/finance/securitisation/products/{product_id}/structure"),
    ("POST", "/finance/securitisation/products/{product_id}/cancel"),
    # The expo: editions, halls, zones, events, booths, exhibits; records of what was concluded
    # elsewhere (counted in the bulletin, binding nobody); intended agreements bind nobody.
    ("POST", "/expo/editions"),
    ("POST", "/expo/editions/{slug}/halls"),
    ("POST", "/expo/editions/{slug}/zones"),
    ("POST", "/expo/editions/{slug}/events"),
    ("POST", "/expo/editions/{slug}/exhibitors"),
    ("POST", "/expo/events/{event_id}/viewers"),
    ("POST", "/expo/events/{event_id}/signings"),
    ("POST", "/expo/exhibitors/{exhibitor_id}/booth"),
    ("POST", "/expo/exhibitors/{exhibitor_id}/exhibits"),
    ("PUT", "/expo/records/{ref}"),
    ("DELETE", "/expo/records/{ref}"),
    ("POST", "/expo/record-imports"),
})


def documented_operations() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path.removeprefix("/api/v1")) for path, operations in paths.items()
            for method in operations}


def test_every_write_operation_is_declared_as_moving_money_or_plain() -> None:
    writes = {operation for operation in documented_operations() if operation[0] not in SAFE_METHODS}
    undeclared = writes - MONEY_OPERATIONS - PLAIN_WRITES
    assert undeclared == set(), (
        "Add each to ipx.accounts.api_scopes.MONEY_OPERATIONS if it moves money or binds an organisation, "
        "else to PLAIN_WRITES in this test")
    assert MONEY_OPERATIONS - writes == set(), "a declared money operation is no longer in the API"
    assert PLAIN_WRITES - writes == set(), "a declared plain write is no longer in the API"
    assert not MONEY_OPERATIONS & PLAIN_WRITES


def test_a_request_is_matched_to_the_operation_the_documentation_names() -> None:
    factory = RequestFactory()
    for method, path in sorted(documented_operations()):
        url = "/api/v1" + re.sub(r"\{\w+\}", "1", path)
        request = factory.generic(method, url)
        request.resolver_match = resolve(url)
        assert operation_of(request) == (method, path)
        expected = "read" if method in SAFE_METHODS else "money" if (method, path) in MONEY_OPERATIONS else "write"
        assert scope_needed(request) == expected


def test_a_request_outside_the_api_is_no_operation() -> None:
    request = RequestFactory().post("/accounts/tokens/")
    request.resolver_match = resolve("/accounts/tokens/")
    assert operation_of(request) is None
    assert scope_needed(request) == "write"
