"""Real patents for the demo holders: every record is validated like user input and written
through the catalog's services; a record that fails is reported and left out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from ipx.accounts.models import Organisation
from ipx.catalog.cleaning import parse_asset
from ipx.catalog.inputs import AssetValues
from ipx.catalog.models import Asset
from ipx.catalog.services import create_asset
from ipx.core.errors import ApplicationError
from ipx.demo.organisations import CNIPA_HOLDER_KEY, ORGANISATIONS, OrgSpec
from ipx.demo.results import Created, Skipped, describe
from ipx.demo.sources import PatentRecord, merge_ipc, read_cnipa, read_kppatent, read_titles_ipc

IPC_SECTIONS = "ABCDEFGH"


def patent_records(*, sample: int = 1) -> list[PatentRecord]:
    """All CNIPA records, then every ``sample``-th full-text document and title row."""
    full_text = list(read_kppatent())[::sample]
    titles = merge_ipc(full_text, list(read_titles_ipc())[::sample])
    return [*read_cnipa(), *full_text, *titles]


def _weighted_cycle(holders: Iterable[OrgSpec]) -> list[str]:
    """Holder keys, each as often as its weight, interleaved so that shares stay even."""
    holders = list(holders)
    rounds = max((holder.weight for holder in holders), default=0)
    return [holder.key for turn in range(rounds) for holder in holders if holder.weight > turn]


def assign_holders(records: list[PatentRecord]) -> list[str]:
    """The holder of each record: the CNIPA records stay with their real applicant; the
    others go to holders working in their IPC section, or to any holder when the record
    has no IPC code. Deterministic: the same records always get the same holders."""
    holders = [org for org in ORGANISATIONS if org.holds_patents]
    by_section = {section: _weighted_cycle(h for h in holders if section in h.ipc_sections)
                  for section in IPC_SECTIONS}
    missing = [section for section, cycle in by_section.items() if not cycle]
    if missing:
        raise ValueError(f"no demo holder works in IPC section(s) {', '.join(missing)}")
    anyone = _weighted_cycle(holders)
    turns: dict[str, int] = defaultdict(int)
    keys = []
    for record in records:
        if record.source == "cnipa":
            keys.append(CNIPA_HOLDER_KEY)
            continue
        section = record.ipc_section if record.ipc_section in by_section else ""
        cycle = by_section[section] if section else anyone
        keys.append(cycle[turns[section] % len(cycle)])
        turns[section] += 1
    return keys


def create_patents(
    records: list[PatentRecord], organisations: dict[str, Organisation],
    step: Callable[[], object] = lambda: None,
) -> tuple[dict[str, list[Created]], list[Skipped]]:
    """Register the records; returns the new assets by holder key and what was skipped."""
    created: dict[str, list[Created]] = defaultdict(list)
    skipped: list[Skipped] = []
    for record, key in zip(records, assign_holders(records), strict=True):
        step()
        try:
            parsed = parse_asset(Asset.Type.PATENT, AssetValues.read(record.data))
        except ApplicationError as error:
            skipped.append(Skipped(record.source, record.ref, describe(error)))
            continue
        asset = create_asset(organisations[key], parsed)
        created[key].append(Created(asset, parsed.detail_columns()))
    return dict(created), skipped
