"""What the exchange does with an import's patents after the import, as its page and the API
show it: e.g. matching prepares the published listings offering them for meaning-based
ranking, in the background, a while after the rows are written.

The catalog sits below the apps that follow its assets, so each registers a reporter here
(in its AppConfig.ready): given the ids of the assets an import wrote, it says where its own
follow-up stands, or nothing when it has none for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from ipx.catalog.models import Asset, ImportJob


@dataclass(frozen=True)
class FollowUp:
    """One follow-up's state: a sentence for the reader, and whether it is finished."""

    code: str
    sentence: str
    finished: bool


# Given the import's assets (a query of their ids), the reporter's follow-up or None.
Reporter = Callable[["QuerySet[Asset, int]"], FollowUp | None]

_reporters: list[Reporter] = []


def register(reporter: Reporter) -> None:
    if reporter not in _reporters:
        _reporters.append(reporter)


def follow_ups(job: ImportJob) -> list[FollowUp]:
    """Where each follow-up of a finished import's assets stands; nothing before it ends."""
    if job.status != ImportJob.Status.DONE:
        return []
    asset_ids = job.assets.values_list("pk", flat=True)
    return [state for reporter in _reporters if (state := reporter(asset_ids)) is not None]
