"""An auction session's results: each lot's prices, premium rate, bids and bidders, and the
figures per IP type (lots offered and sold, success rate, total hammer, highest premium), as a
page, in the API and exported as CSV, XLSX and PDF."""
