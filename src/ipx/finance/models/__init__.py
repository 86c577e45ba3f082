"""The finance app's models, by concept: valuations, pledge loans, risk-compensation pools,
insurance, securitisation."""

from ipx.finance.models.insurance import (
    Claim,
    ClaimEvent,
    ClaimEvidence,
    InsuranceProduct,
    Policy,
    PolicyAsset,
    PolicyEvent,
)
from ipx.finance.models.loans import Instalment, Loan, LoanCollateral, LoanEvent
from ipx.finance.models.pools import Enrolment, Pool, PoolMember
from ipx.finance.models.securitisation import (
    Collection,
    FeeTerm,
    Period,
    PeriodPayment,
    PoolEntry,
    Product,
    ProductEvent,
    Receivable,
    ReceivableContract,
    ReceivableInstalment,
    Subscription,
    Tranche,
    TriggerTerm,
)
from ipx.finance.models.valuations import Valuation, ValuationAsset, ValuationEvent

__all__ = [
    "Claim",
    "ClaimEvent",
    "ClaimEvidence",
    "Collection",
    "Enrolment",
    "FeeTerm",
    "Instalment",
    "InsuranceProduct",
    "Loan",
    "LoanCollateral",
    "LoanEvent",
    "Period",
    "PeriodPayment",
    "Policy",
    "PolicyAsset",
    "PolicyEvent",
    "Pool",
    "PoolEntry",
    "PoolMember",
    "Product",
    "ProductEvent",
    "Receivable",
    "ReceivableContract",
    "ReceivableInstalment",
    "Subscription",
    "Tranche",
    "TriggerTerm",
    "Valuation",
    "ValuationAsset",
    "ValuationEvent",
]
