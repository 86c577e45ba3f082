"""The finance app's models, by concept: valuations, pledge loans, risk-compensation pools,
insurance."""

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
from ipx.finance.models.valuations import Valuation, ValuationAsset, ValuationEvent

__all__ = [
    "Claim",
    "ClaimEvent",
    "ClaimEvidence",
    "Enrolment",
    "Instalment",
    "InsuranceProduct",
    "Loan",
    "LoanCollateral",
    "LoanEvent",
    "Policy",
    "PolicyAsset",
    "PolicyEvent",
    "Pool",
    "PoolMember",
    "Valuation",
    "ValuationAsset",
    "ValuationEvent",
]
