"""Writes for deals: from an accepted offer to completion, with escrow through the ledger.

The deal's and its milestones' steps are the tables in ``ipx.deals.contracts.workflow``;
each service locks the deal row first (then, where money moves, its milestones in
primary-key order), asks the table on the locked rows, writes the event row and notifies
both parties after commit. By concept:

- ``creating``: an accepted offer becomes a deal;
- ``signing``: signatures, and an intended agreement concluded as a contract;
- ``milestones``: escrow — funding, releasing, refunding;
- ``recordal``: the seller's recordal number and the operator's check, which completes the deal;
- ``cancelling``: cancelling, with every held amount returned;
- ``disputes``: a party's request to cancel a signed deal, and the operator's decision.
"""

from ipx.deals.contracts.services.cancelling import deal_cancel
from ipx.deals.contracts.services.creating import deal_create_from_offer
from ipx.deals.contracts.services.disputes import deal_decide_cancellation, deal_request_cancellation
from ipx.deals.contracts.services.milestones import milestone_fund, milestone_release
from ipx.deals.contracts.services.recordal import clean_recordal_number, deal_check_recordal, deal_submit_recordal
from ipx.deals.contracts.services.signing import deal_conclude, deal_sign

__all__ = [
    "clean_recordal_number",
    "deal_cancel",
    "deal_check_recordal",
    "deal_conclude",
    "deal_create_from_offer",
    "deal_decide_cancellation",
    "deal_request_cancellation",
    "deal_sign",
    "deal_submit_recordal",
    "milestone_fund",
    "milestone_release",
]
