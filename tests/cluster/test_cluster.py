"""The several-servers layout, driven as a whole (``ipx cluster``): PostgreSQL, Redis, two app
servers, two workers and the scheduler, each its own process, sharing only the database and
Redis. What one server changes reaches a live page open on the other; each periodic slot runs
once, though two schedulers run; a worker killed mid-task leaves the task to the other.

It starts real servers (about a minute), so it runs once, in the PostgreSQL pass of
``make test``, which has the Debian packages it needs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ipx.cluster import Cluster, free_port
from ipx.testing.factories import PASSWORD

# A reclaimed task is one whose worker stopped beating for this long; short, to keep the test short.
STALE_SECONDS = 4
WAIT_SECONDS = 120

SEED = """
import json
from ipx.accounts.models import Membership
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.listings import services as listing_services
from ipx.notifications.services import notification_mark_read
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory, listing_with_patent
from ipx.testing.scenes import published_listing
operator = UserFactory.create(email="operator@cluster.example", is_staff=True)
seller = UserFactory.create(email="seller@cluster.example")
seller_organisation = OrganisationFactory.create(name="集群卖方科技有限公司")
MembershipFactory.create(user=seller, organisation=seller_organisation, role=Membership.Role.ADMIN)
listing = published_listing(seller_organisation, seller, operator)
# The seller has read the notice of its listing's approval: the buyer's question is its one unread.
notification_mark_read(user=seller)
buyer = UserFactory.create(email="buyer@cluster.example")
buyer_organisation = OrganisationFactory.create(name="集群买方有限公司")
MembershipFactory.create(user=buyer, organisation=buyer_organisation, role=Membership.Role.ADMIN)
_token, key = api_token_create(user=buyer, token=TokenInput.parse(name="cluster", scopes=["read", "write"]))
# A second listing, waiting for the operator's review (approved through one server by a test).
pending = listing_with_patent(seller_organisation, seller, title="钙钛矿叠层光伏组件封装工艺")
listing_services.listing_submit(listing_id=pending.pk, actor=seller)
_token, operator_key = api_token_create(user=operator, token=TokenInput.parse(name="review", scopes=["read", "write"]))
print(json.dumps({"seller_id": seller.pk, "listing_id": listing.pk, "buyer_organisation_id": buyer_organisation.pk,
                  "buyer_token": key, "pending_listing_id": pending.pk, "operator_token": operator_key}))
"""

def shell(cluster: Cluster, code: str) -> Any:
    """Run ``code`` in ``ipx shell`` against the layout's database; its printed JSON."""
    done = subprocess.run([str(Path(sys.executable).with_name("ipx")), "shell", "-c", code],
                          env=cluster.environment(), capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def eventually(what: str, check: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"not within {WAIT_SECONDS} s: {what}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    layout = Cluster(app_ports=[free_port(), free_port()], workers=2,
                     extra_environment={"IPX_TASKS_STALE_SECONDS": str(STALE_SECONDS),
                                        "IPX_TASKS_HEARTBEAT_SECONDS": "1"})
    layout.start()
    try:
        yield layout
    finally:
        layout.stop()


def signed_in(base_url: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    client.get("/accounts/login/")
    answer = client.post("/accounts/login/", data={"email": email, "password": PASSWORD,
                                                   "csrfmiddlewaretoken": client.cookies["csrftoken"]},
                         headers={"Referer": f"{base_url}/accounts/login/"})
    assert answer.status_code == 302, answer.text[:300]
    return client


@pytest.fixture(scope="module")
def people(cluster: Cluster) -> dict[str, Any]:
    """A seller with a published listing, a buyer with an API key, an operator."""
    seeded: dict[str, Any] = shell(cluster, SEED)
    return seeded


def test_a_change_through_one_server_reaches_a_live_page_on_the_other(cluster: Cluster,
                                                                      people: dict[str, Any]) -> None:
    seeded = people
    server_a, server_b = cluster.urls
    seller = signed_in(server_b, "seller@cluster.example")
    with seller.stream("GET", f"/live/user-{seeded['seller_id']}/", timeout=WAIT_SECONDS) as stream:
        assert stream.status_code == 200
        # The buyer's question, asked through the other server, is a new notification for the seller.
        asked = httpx.post(f"{server_a}/api/v1/threads", timeout=30,
                           headers={"Authorization": f"Bearer {seeded['buyer_token']}"},
                           json={"listing_id": seeded["listing_id"], "organisation_id": seeded["buyer_organisation_id"],
                                 "message": "请问是否可以独占许可？"})
        assert asked.status_code == 201, asked.text
        frame: list[str] = []
        for line in stream.iter_lines():
            frame = [] if not line else [*frame, line]
            if line.startswith("data:") and "event: unread" in frame:
                break
    assert any(part.startswith("id:") for part in frame)
    assert "1" in "".join(part for part in frame if part.startswith("data:"))


def test_each_periodic_slot_runs_once_though_two_schedulers_run(cluster: Cluster) -> None:
    cluster.spawn("scheduler-2", [str(Path(sys.executable).with_name("ipx")), "scheduler"])
    query = """
import json
from ipx.tasks.models import Task
rows = Task.objects.filter(name="ipx.deals.negotiation.offers.offers_expire_due").values("key", "status", "attempts")
print(json.dumps([dict(row) for row in rows]))
"""
    # Offers are expired every minute: wait for two slots.
    rows = eventually("two slots of the offer schedule ran",
                      lambda: (found := shell(cluster, query)) and len({r["key"] for r in found if
                                                                          r["status"] == "done"}) >= 2 and found)
    slots = [row["key"] for row in rows]
    assert len(slots) == len(set(slots))
    assert all(row["attempts"] == 1 for row in rows if row["status"] == "done")


def test_a_task_whose_worker_is_killed_is_finished_by_the_other(cluster: Cluster, tmp_path: Path) -> None:
    tmp_path.chmod(0o777)
    shell(cluster, f"""
from ipx.tasks.runner import enqueue
enqueue("ipx.tasks.tests.helpers.slow_the_first_time", path={str(tmp_path)!r})
print("{{}}")
""")
    starts = tmp_path / "starts"
    first = int(eventually("a worker started the task", lambda: starts.exists() and starts.read_text().split())[0])
    os.kill(first, signal.SIGKILL)
    eventually("another worker finished it", (tmp_path / "done").exists)
    runners = [int(pid) for pid in starts.read_text().split()]
    assert len(runners) == 2 and runners[1] != first


# The several-servers layout keeps its search index in the shared database (the PostgreSQL
# engine): what one server publishes, every other finds at once; a server with nothing under
# var/ (a new machine) needs no index files of its own.
FOUND_WITHIN_SECONDS = 5


def found(base_url: str, words: str) -> list[int]:
    answer = httpx.get(f"{base_url}/api/v1/search/listings", params={"q": words}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    return [hit["listing"]["id"] for hit in answer.json()["hits"]]


def test_a_listing_published_through_one_server_is_found_through_the_other_and_through_a_new_one(
        cluster: Cluster, people: dict[str, Any], tmp_path: Path) -> None:
    pending = people["pending_listing_id"]
    server_a, server_b = cluster.urls[:2]
    assert pending not in found(server_b, "钙钛矿 叠层")

    approved = httpx.post(f"{server_a}/api/v1/listings/{pending}/approve", timeout=30,
                          headers={"Authorization": f"Bearer {people['operator_token']}"}, json={})
    assert approved.status_code == 200, approved.text
    deadline = time.monotonic() + FOUND_WITHIN_SECONDS
    while pending not in found(server_b, "钙钛矿 叠层"):
        assert time.monotonic() < deadline, f"not found through the other server within {FOUND_WITHIN_SECONDS} s"
        time.sleep(0.2)

    empty_var = tmp_path / "var"
    empty_var.mkdir()
    empty_var.chmod(0o777)
    server_c = cluster.add_app_server(free_port(), IPX_VAR_DIR=str(empty_var))
    assert found(server_c, "钙钛矿 叠层") == found(server_a, "钙钛矿 叠层")
    assert found(server_c, "电池") == found(server_a, "电池")
    ready = httpx.get(f"{server_c}/readyz", timeout=30)
    search = next(check for check in ready.json()["checks"] if check["name"] == "search_index")
    assert search["status"] == "ok", search
