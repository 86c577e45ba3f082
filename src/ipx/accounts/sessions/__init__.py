"""Signed-in sessions: each one kept as a row (device, address, last seen) so its owner can
see and end it, signed out after a while without activity, and asked to prove who they are
again before sensitive changes (``require_recent_authentication``)."""
