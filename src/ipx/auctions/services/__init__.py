"""Writes of the auctions app: setting sessions and lots up (``setup``), bidders' registration
(``registration``), bids (``bidding``), the operator's controls and the clock (``control``)."""
