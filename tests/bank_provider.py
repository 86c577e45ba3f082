"""A stand-in for a bank's payment provider in the deployment-check tests: only its dotted
path matters there (the check refuses the simulated provider by name)."""

from __future__ import annotations

from ipx.ledger.providers import SimulatedProvider


class BankTransferProvider(SimulatedProvider):
    pass
