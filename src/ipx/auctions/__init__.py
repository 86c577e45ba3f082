"""Live IP auctions: sessions of lots made from published listings, bidder registration with
deposits frozen in the ledger, proxy bids with soft close, closing on schedule, and results."""
