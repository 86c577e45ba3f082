from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _quick_hub(settings: Any) -> None:
    # The hub polls often in tests so that they wait little; nothing asserts on time.
    settings.IPX_LIVE_POLL_SECONDS = 0.02
