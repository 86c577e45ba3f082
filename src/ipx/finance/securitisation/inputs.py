"""What people send to the securitisation services, as typed value objects.

Values are kept as sent (``object``: text from a form, numbers or text from the API) and read
by the service that takes them, which names every problem by its field at once; ids of rows
are whole numbers, checked against what the caller may use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any


@dataclass(frozen=True)
class InstalmentIn:
    """One row of a receivable's schedule: when it is due and how much."""

    due_on: object
    amount: object


@dataclass(frozen=True)
class ReceivableIn:
    """A receivable an originator enters.

    From a licence deal (``source="deal"``, ``deal_id``): the payer and the currency are the
    deal's; only the licensor's own concluded licence deals qualify. From an off-platform
    contract (``source="contract"``): a payer on the exchange (``payer_id``) or named
    (``payer_name``), the contract's number and its document (``contract_file``, a PDF or scan
    checked like other attachments), and the currency.
    """

    originator_id: int
    source: object
    schedule: Sequence[InstalmentIn]
    deal_id: object = None
    payer_id: object = None
    payer_name: object = ""
    contract_reference: object = ""
    contract_file: IO[bytes] | Any = None
    description: object = ""
    currency: object = ""


@dataclass(frozen=True)
class ProductIn:
    """A new securitisation as its originator sets it up (the pool and structure come after)."""

    originator_id: int
    name: object
    trustee_id: object
    servicer_id: object
    cut_off: object
    currency: object = "CNY"
    periods_per_year: object = 4
    concentration_percent: object = "25"


@dataclass(frozen=True)
class TrancheIn:
    name: object
    seniority: object
    size: object
    coupon_percent: object  # a year, 3.5 for 3.5 %
    legal_maturity: object
    priority: object


@dataclass(frozen=True)
class FeeIn:
    name: object
    payee_id: object
    amount: object = "0"  # each period
    rate_percent: object = "0"  # a year, on the pool's balance


@dataclass(frozen=True)
class TriggerIn:
    name: object
    metric: object
    threshold: object  # a ratio, 1.05 for 105 %
    action: object


@dataclass(frozen=True)
class StructureIn:
    """The product's structure: its tranches (summing to the pool, at least one senior), fees,
    triggers, reserve target, tax rate and the shortfall guarantor with its limit."""

    tranches: Sequence[TrancheIn]
    fees: Sequence[FeeIn] = ()
    triggers: Sequence[TriggerIn] = ()
    reserve_target: object = "0"
    tax_percent: object = "0"
    guarantor_id: object = None
    guarantee_limit: object = "0"


@dataclass(frozen=True)
class CollectionIn:
    """What the servicer collected in a period on one instalment of a pooled receivable."""

    instalment_id: object
    amount: object


@dataclass(frozen=True)
class CollectionsIn:
    """A period's collections, recorded once (a retry with the same key is answered as the first time)."""

    product_id: int
    number: object
    collections: Sequence[CollectionIn] = field(default_factory=tuple)
