"""The securitisation's writes: receivables, pools, structure, issue and servicing."""
