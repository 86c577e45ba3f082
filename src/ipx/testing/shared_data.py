"""Where the shared real data sets are (beside the checkout, as in CI)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

SHARED_DATA = Path(os.environ.get("IPX_SHARED_DATA", settings.PROJECT_DIR.parent / "shared" / "data"))
