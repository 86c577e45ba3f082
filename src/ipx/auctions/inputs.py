"""What operators and bidders send, as typed values; the services judge them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionValues:
    title: object
    starts_at: object
    currency: object = "CNY"
    description: object = ""


@dataclass(frozen=True)
class LotValues:
    listing_id: object
    offer_kind: object
    starting_price: object
    deposit: object
    opens_at: object
    closes_at: object
    hard_end: object
    reserve_price: object = None
    # Rows of (from price, increment); None: the exchange's default table.
    increments: object = None
    soft_close_minutes: object = 5
    buyer_premium_percent: object = 0
    seller_commission_percent: object = 0


@dataclass(frozen=True)
class BidValues:
    amount: object
    currency: object
    maximum: object = None
    # The Idempotency-Key of the request (the page form sends one of its own): a retry of the
    # same bid is answered as the first time, never placed twice.
    key: object = None
    # Which organisation bids, for a person in several; None: the one registered.
    organisation_id: object = None
