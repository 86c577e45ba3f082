"""The exchange the contract tests talk to, and who talks to it."""

from __future__ import annotations

from dataclasses import dataclass

from ipx.testing.access_world import AccessWorld

# The owner administers the world's home organisation (it sells), the buyer its counterparty.
CAST = ("owner", "buyer", "operator")


@dataclass
class Exchange:
    world: AccessWorld
    tokens: dict[str, str]  # who → an API token with every scope

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}
