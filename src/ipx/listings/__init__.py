"""Listings: what is on the market — one asset or a package, offered by transfer, licence,
use-first-pay-later, pledge or auction — and their review workflow."""
