"""The exchange the contract tests talk to, and who talks to it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from ipx.testing.access_world import AccessWorld

# The owner administers the world's home organisation (it sells), the buyer its counterparty.
CAST = ("owner", "buyer", "operator")
# The contract is the same on either database: the SQLite pass runs it, and the PostgreSQL
# pass of ``make test`` leaves it out rather than spend its minutes twice.
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@dataclass
class Exchange:
    world: AccessWorld
    tokens: dict[str, str]  # who → an API token with every scope

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}
