"""IP securitisation: receivables from licence deals pooled, tranched and paid through a
waterfall on the ledger.

The engine is pure (``waterfall`` runs one period on a deal's accounts, ``projection`` runs
many under a scenario); it speaks AbsBox's vocabulary (accounts, fees, bonds; pay fee, pay
interest, pay principal, pay residual, transfer) but computes with ``Decimal``, exactly to the
cent, in process, because AbsBox needs a remote engine.
"""
