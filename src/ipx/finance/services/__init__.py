"""Writes of the finance app, by concept: ``valuations`` (request, accept or decline, record
the approaches, sign off)."""
