"""A process's kept engines follow changes by adding the changed documents (``refresh``):
the loader reads just those, nothing is rebuilt, withdrawn listings leave, and a change
that names nothing, a process too far behind, or a grown delta builds the engine whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from ipx.accounts.models import User
from ipx.listings import services as listing_services
from ipx.matching.matches import index, refresh, versions
from ipx.matching.matches.documents import LISTING, doc_id
from ipx.matching.models import MatchingChange
from ipx.matching.retrieval import Document
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import AIRCON, BATTERY, SEWAGE, embedder, offer  # noqa: F401 - fixture
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[list[int] | None]:
    """Each call of the listings' loader: the ids it was asked for (None: all of them)."""
    calls: list[list[int] | None] = []
    real = index._LOADERS[index.LISTINGS]

    def spy(ids: Iterable[int] | None = None) -> index.Loaded:
        calls.append(None if ids is None else sorted(ids))
        return real(ids)

    monkeypatch.setitem(index._LOADERS, index.LISTINGS, spy)
    return calls


@pytest.mark.usefixtures("embedder")
def test_a_published_listing_is_added_to_the_kept_engine(
        owner: Member, operator: User, on_commit: Callable[..., Any],
        loads: list[list[int] | None]) -> None:
    with on_commit():
        for code, ipc in (AIRCON | BATTERY).items():
            offer(owner, operator, code, ipc)
    before = index.listing_catalogue()
    loads.clear()
    with on_commit():
        new = offer(owner, operator, "test0117", SEWAGE["test0117"])
    assert loads and all(call == [new.pk] for call in loads)  # never the whole catalogue
    kept = index.listing_catalogue()
    assert kept.changed == 1 and len(kept) == len(before) + 1
    assert kept.dense  # its vectors were computed when it was published
    assert kept.owners[doc_id(LISTING, new.pk)] == owner.organisation.pk
    assert kept.engine.search(new.title, 1)[0].doc_id == doc_id(LISTING, new.pk)


@pytest.mark.usefixtures("embedder")
def test_a_withdrawn_listing_leaves_the_kept_engine(
        owner: Member, operator: User, on_commit: Callable[..., Any],
        loads: list[list[int] | None]) -> None:
    with on_commit():
        listings = [offer(owner, operator, code, ipc) for code, ipc in (AIRCON | BATTERY).items()]
    assert doc_id(LISTING, listings[0].pk) in index.listing_catalogue().engine.position
    loads.clear()
    with on_commit():
        listing_services.listing_withdraw(listing_id=listings[0].pk, actor=owner.user, reason="sold elsewhere")
    kept = index.listing_catalogue()
    assert loads and None not in loads
    assert doc_id(LISTING, listings[0].pk) not in kept.engine.position
    assert doc_id(LISTING, listings[0].pk) not in kept.owners
    assert listings[0].title not in {m.doc_id for m in kept.engine.search(listings[0].title, 10)}
    assert len(kept) == len(listings) - 1


@pytest.mark.usefixtures("embedder")
def test_a_published_demand_is_added_to_the_demand_engine(
        buyer: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        published(buyer, operator, title="空调节能控制",
                  description="我司生产家用空调器，寻求能根据用户习惯自动调节运行模式的智能控制技术。",
                  ipc_codes=["F24F"])
    assert len(index.demand_catalogue()) == 1
    with on_commit():
        second = published(buyer, operator, title="污泥减量",
                           description="寻求减少活性污泥产量、降低污水处理能耗的方法与设备，用于市政污水厂。",
                           ipc_codes=["C02F"])
    kept = index.demand_catalogue()
    assert kept.changed == 1
    assert kept.engine.search("活性污泥减量", 1)[0].doc_id == f"demand:{second.pk}"


@pytest.mark.usefixtures("embedder")
def test_a_change_naming_nothing_builds_the_engine_whole(
        owner: Member, operator: User, on_commit: Callable[..., Any],
        loads: list[list[int] | None]) -> None:
    with on_commit():
        offer(owner, operator, "test0057", AIRCON["test0057"])
    index.listing_catalogue()
    loads.clear()
    versions.raise_version(index.LISTINGS)
    assert index.listing_catalogue().changed == 0
    assert loads == [None]


@pytest.mark.usefixtures("embedder")
def test_a_process_further_behind_than_the_kept_changes_builds_whole(
        owner: Member, operator: User, on_commit: Callable[..., Any],
        loads: list[list[int] | None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "KEPT_CHANGES", 2)
    with on_commit():
        listing = offer(owner, operator, "test0057", AIRCON["test0057"])
    index.listing_catalogue()
    loads.clear()
    for _ in range(3):
        versions.raise_version(index.LISTINGS, [listing.pk])
    assert MatchingChange.objects.filter(name=index.LISTINGS).count() == 2
    index.listing_catalogue()
    assert loads == [None]


def test_changes_between_counts(db: None) -> None:
    start = versions.current_version(index.DEMANDS)
    versions.raise_version(index.DEMANDS, [3, 1])
    versions.raise_version(index.DEMANDS, [1, 7])
    now = versions.current_version(index.DEMANDS)
    assert versions.changed_between(index.DEMANDS, start, now) == {1, 3, 7}
    assert versions.changed_between(index.DEMANDS, now, now) == set()
    assert versions.changed_between(index.DEMANDS, ("another database", start[1]), now) is None
    assert versions.changed_between(index.DEMANDS, now, start) is None  # the counter went back: a restore
    versions.raise_version(index.DEMANDS)
    assert versions.changed_between(index.DEMANDS, start, versions.current_version(index.DEMANDS)) is None


@pytest.mark.usefixtures("embedder")
def test_a_grown_delta_is_compacted(
        owner: Member, operator: User, on_commit: Callable[..., Any],
        loads: list[list[int] | None], monkeypatch: pytest.MonkeyPatch) -> None:
    with on_commit():
        offer(owner, operator, "test0057", AIRCON["test0057"])
    index.listing_catalogue()
    monkeypatch.setattr(refresh, "COMPACT_MIN", 0)
    monkeypatch.setattr(refresh, "COMPACT_SHARE", 0.0)
    loads.clear()
    with on_commit():
        offer(owner, operator, "test0373", AIRCON["test0373"])
    kept = index.listing_catalogue()
    assert kept.changed == 0 and len(kept) == 2
    assert None in loads  # built whole once the delta held more than allowed


def test_a_large_catalogue_is_compacted_in_the_background(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build runs in a thread; meanwhile the engine with its changes serves, and once it
    is done it takes the place of the old one with the changes made since added to it."""
    texts = {pk: f"第{pk}号 锂电池 正极材料 编号{pk}" for pk in range(1, 6)}

    def load(ids: Iterable[int] | None = None) -> index.Loaded:
        wanted = sorted(texts) if ids is None else [pk for pk in ids if pk in texts]
        documents = [Document(doc_id(LISTING, pk), texts[pk]) for pk in wanted]
        return documents, {}, {document.id: 1 for document in documents}

    monkeypatch.setitem(index._LOADERS, index.LISTINGS, load)
    monkeypatch.setattr(refresh, "BACKGROUND_FROM", 0)
    monkeypatch.setattr(refresh, "COMPACT_MIN", 1)
    index.forget()
    assert len(index.listing_catalogue()) == 5
    texts[6] = "第6号 污水处理 活性污泥"
    versions.raise_version(index.LISTINGS, [6])
    assert index.listing_catalogue().changed == 1  # not due yet: one change
    texts[7] = "第7号 空调 控制"
    versions.raise_version(index.LISTINGS, [7])
    serving = index.listing_catalogue()
    assert serving.changed == 2  # due: the build started in the background, the changes serve
    index.compactions.join(30)
    texts[8] = "第8号 混凝土"
    versions.raise_version(index.LISTINGS, [8])
    kept = index.listing_catalogue()
    assert kept.changed == 1 and len(kept) == 8  # the new base holds 6 and 7; 8 was added to it
    assert kept.engine.search("混凝土", 1)[0].doc_id == doc_id(LISTING, 8)
    index.forget()
