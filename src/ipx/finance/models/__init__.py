"""The finance app's models, by concept: valuations, pledge loans, risk-compensation pools."""

from ipx.finance.models.loans import Instalment, Loan, LoanCollateral, LoanEvent
from ipx.finance.models.pools import Enrolment, Pool, PoolMember
from ipx.finance.models.valuations import Valuation, ValuationAsset, ValuationEvent

__all__ = [
    "Enrolment", "Instalment", "Loan", "LoanCollateral", "LoanEvent", "Pool", "PoolMember", "Valuation",
    "ValuationAsset", "ValuationEvent",
]
