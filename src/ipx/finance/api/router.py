"""The finance API's one router; its operations are in ``valuations``, ``loans`` and ``pools``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["finance"])
