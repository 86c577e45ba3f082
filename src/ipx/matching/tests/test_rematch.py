"""``ipx rematch``: incremental by default (only what changed since its last run, including
changes the background handlers never saw), ``--full`` for everything, with progress on
stderr and a one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.listings.models import Listing
from ipx.matching.matches import index
from ipx.matching.matches.rematch import SAFETY_MARGIN, WATERMARK
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun, MatchingWatermark
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import (
    AIRCON,
    AIRCON_DEMAND,
    BATTERY,
    BATTERY_DEMAND,
    HashEmbedder,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]


def rematch(*args: str) -> str:
    out = StringIO()
    call_command("rematch", "--quiet-notifications", *args, verbosity=0, stdout=out)
    return out.getvalue().strip()


def ranked(demand: Demand) -> list[int]:
    return list(DemandMatch.objects.filter(demand=demand, rank__isnull=False).order_by("rank")
                .values_list("listing_id", flat=True))


@pytest.fixture
def market(owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any]) -> dict[str, Demand]:
    """Air-conditioning listings and two demands, followed by the handlers; then one rematch
    run, and everything aged by an hour so that nothing counts as changed since that run."""
    with on_commit():
        for doc, ipc in AIRCON.items():
            offer(owner, operator, doc, ipc)
    with on_commit():
        demands = {"aircon": published(buyer, operator, **AIRCON_DEMAND),
                   "battery": published(buyer, operator, **BATTERY_DEMAND)}
    assert rematch().startswith("full run; ")
    hour_ago = timezone.now() - timedelta(hours=1)
    for model in (Listing, Asset, Organisation, Demand):
        model.objects.update(updated_at=hour_ago)
    MatchingWatermark.objects.filter(pk=WATERMARK).update(changes_until=hour_ago + SAFETY_MARGIN * 2)
    return demands


def test_the_first_run_is_full_and_records_its_watermark(owner: Member, buyer: Member, operator: User) -> None:
    # Published without the handlers (no commit in this test): nothing embedded, nothing ranked.
    [offer(owner, operator, doc, ipc) for doc, ipc in AIRCON.items()]
    demand = published(buyer, operator, **AIRCON_DEMAND)
    before = timezone.now()

    summary = rematch()

    assert summary == (f"full run; embedded 4 document(s); ranked 1 demand(s): {len(ranked(demand))} match(es) "
                       f"kept, {len(ranked(demand))} new, 0 demand(s) with no good match; 1 by hybrid")
    assert len(ranked(demand)) == 3
    mark = MatchingWatermark.objects.get(pk=WATERMARK)
    assert mark.full and before <= mark.changes_until <= mark.finished_at


def stand_in() -> HashEmbedder:
    model = index.current_embedder()
    assert isinstance(model, HashEmbedder)
    return model


def test_nothing_changed_nothing_is_done(market: dict[str, Demand]) -> None:
    model = stand_in()
    passages, versions = model.passages, (index.current_version(index.LISTINGS),
                                             index.current_version(index.DEMANDS))

    summary = rematch()

    assert summary.startswith("changes since ")
    assert summary.endswith(": 0 listing(s), 0 demand(s); embedded 0 document(s); ranked 0 demand(s): "
                            "0 match(es) kept, 0 new, 0 demand(s) with no good match; nothing to rank")
    assert model.passages == passages  # nothing embedded
    assert (index.current_version(index.LISTINGS), index.current_version(index.DEMANDS)) == versions
    assert not MatchingWatermark.objects.get(pk=WATERMARK).full


def test_a_listing_published_behind_the_handlers_back_is_embedded_and_ranked(
        market: dict[str, Demand], owner: Member, operator: User) -> None:
    aircon = market["aircon"]
    before = ranked(aircon)
    # Published without its events (a worker that was down): no vector, no engine rebuild.
    late = offer(owner, operator, "test0562", BATTERY["test0562"])

    summary = rematch()

    # Both demands are among the listing's candidates (there are only two), each ranked in full.
    assert ": 1 listing(s), 0 demand(s); embedded 1 document(s); ranked 2 demand(s): " in summary
    assert late.pk in ranked(market["battery"])
    # The same listings; their order may move, since the new listing joins the pool whose
    # meaning scores are spread from 0 to 1 before they are blended with the words'.
    assert sorted(ranked(aircon)) == sorted(before) and late.pk not in ranked(aircon)


def test_an_asset_changed_behind_the_handlers_back_concerns_its_listing(market: dict[str, Demand]) -> None:
    listing = Listing.objects.order_by("pk").first()
    assert listing is not None
    Asset.objects.filter(listing_links__listing=listing).update(title="一种空调器的智能控制方法",
                                                                updated_at=timezone.now())

    summary = rematch()

    # The new text is embedded; the demand that lists the listing and the one it may now fit
    # are ranked again.
    assert ": 1 listing(s), 0 demand(s); embedded 1 document(s); ranked 2 demand(s): " in summary


def test_a_demand_closed_behind_the_handlers_back_loses_its_matches(market: dict[str, Demand]) -> None:
    aircon = market["aircon"]
    assert ranked(aircon)
    Demand.objects.filter(pk=aircon.pk).update(status=Demand.Status.CLOSED, updated_at=timezone.now())

    summary = rematch()

    assert ": 0 listing(s), 1 demand(s); embedded 0 document(s); ranked 1 demand(s): 0 match(es) kept" in summary
    assert not DemandMatch.objects.filter(demand=aircon).exists()
    assert not DemandMatchRun.objects.filter(demand=aircon).exists()


def test_demands_ranked_by_words_only_are_ranked_again_once_the_vectors_are_there(
        market: dict[str, Demand]) -> None:
    aircon = market["aircon"]
    DemandMatchRun.objects.filter(demand=aircon).update(method="lexical")

    summary = rematch()

    assert "ranked 1 demand(s)" in summary and summary.endswith("1 by hybrid")
    assert DemandMatchRun.objects.get(demand=aircon).method == "hybrid"


def test_lost_vectors_are_computed_again(market: dict[str, Demand]) -> None:
    model = stand_in()
    index.cache_path().unlink()  # var/ emptied
    passages = model.passages

    summary = rematch()

    assert "embedded 5 document(s)" in summary  # three listings, two demands
    assert model.passages - passages == 10  # each one's text and its title alone
    assert index.missing_passages(index.LISTINGS) == index.missing_passages(index.DEMANDS) == 0


def test_full_ranks_every_demand_whatever_changed(market: dict[str, Demand]) -> None:
    summary = rematch("--full")

    assert summary.startswith("full run; embedded 0 document(s); ranked 2 demand(s): ")
    assert MatchingWatermark.objects.get(pk=WATERMARK).full


def test_without_embedding_the_missing_vectors_are_left_missing(market: dict[str, Demand]) -> None:
    index.cache_path().unlink()

    summary = rematch("--no-embed", "--full")

    assert "embedded 0 document(s)" in summary and summary.endswith("2 by lexical")
    assert index.missing_passages(index.LISTINGS) == 6  # three listings, two passages each


def test_progress_goes_to_stderr_and_the_summary_to_stdout(market: dict[str, Demand],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    index.cache_path().unlink()
    out = StringIO()

    call_command("rematch", "--full", "--quiet-notifications", stdout=out)

    err = capsys.readouterr().err
    assert "embedding listings" in err and "ranking" in err
    assert out.getvalue().startswith("full run; embedded 5 document(s); ranked 2 demand(s)")
