"""IP finance in the API: valuations, pledge loans and risk-compensation pools. Reads are
scoped like the pages (404 for what the caller has no part in); each write is one service."""

from ipx.finance.api import loans, pools, valuations
from ipx.finance.api.router import router

__all__ = ["loans", "pools", "router", "valuations"]
