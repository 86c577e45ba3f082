"""One shape for every health check (database, migrations, search index, task queue, Redis,
embedding model, matching vectors): ``/readyz``, ``ipx doctor`` and the back-office panel
show the same list. Facts are JSON values and never hold secrets (no passwords, no keys,
no URLs with credentials)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "degraded", "failing"]
JSONScalar = str | int | float | bool | None


@dataclass(frozen=True)
class Check:
    """``ok``: nothing to do. ``degraded``: the site answers correctly but something is being
    repaired or is slower than it should be (e.g. a rebuild in progress). ``failing``: the
    server should not take traffic, or a part of it is wrong until someone acts."""

    name: str
    status: Status
    detail: str  # one translated sentence: what was found
    remedy: str = ""  # one translated sentence: what to do; empty when ok
    facts: Mapping[str, JSONScalar] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "remedy": self.remedy,
                "facts": dict(self.facts)}
