"""Buttons, API and services agree: for the seller, the buyer, the buyer's agent, an outsider
and an operator, the thread page shows a button exactly for each action the API lists in
``allowed_actions``, and the service takes exactly those steps and refuses every other.

The thread: the buyer asked, each party has an agency acting for it, one more agency is
free to be added, and the seller made an offer to the buyer. It is then seen as it is (the
offer open), with the offer withdrawn, with the offer past its time (not yet marked), and
closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.errors import ApplicationError
from ipx.deals.models import Offer, Thread
from ipx.deals.negotiation import messages, offers, threads
from ipx.deals.negotiation.tests.conftest import offer_terms
from ipx.deals.negotiation.workflow import OFFER, THREAD
from ipx.testing.factories import OrganisationFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

ROLES = ("seller", "buyer", "agent", "outsider", "operator")
THREAD_ACTIONS = ("post", "offer", "add_agent", "remove_agent", "close")
OFFER_ACTIONS = ("withdraw", "reject", "counter", "accept")


@dataclass
class World:
    thread: Thread
    offer: Offer
    users: dict[str, User]
    clients: dict[str, Client]
    own_agents: dict[str, int]  # the agency a party's administrator may send away
    spare_agency: Organisation


@pytest.fixture
def world(thread: Thread, owner: Member, buyer: Member, buyer_agent: Member, outsider: Member, operator: User,
          operator_client: Client) -> World:
    seller_agency = OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="卖方代理所")
    threads.thread_agent_add(thread_id=thread.pk, actor=owner.user, organisation_id=seller_agency.pk)
    offer = offers.offer_make(thread_id=thread.pk, actor=owner.user, terms=offer_terms())
    members = {"seller": owner, "buyer": buyer, "agent": buyer_agent, "outsider": outsider}
    return World(
        thread=thread, offer=offer,
        users={role: member.user for role, member in members.items()} | {"operator": operator},
        clients={role: member.client for role, member in members.items()} | {"operator": operator_client},
        own_agents={"seller": seller_agency.pk, "buyer": buyer_agent.organisation.pk},
        spare_agency=OrganisationFactory.create(kind=Organisation.Kind.AGENCY, name="第三代理所"),
    )


def _withdrawn(world: World) -> None:
    offers.offer_withdraw(offer_id=world.offer.pk, actor=world.users["seller"])


def _lapsed(world: World) -> None:
    Offer.objects.filter(pk=world.offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def _closed(world: World) -> None:
    threads.thread_close(thread_id=world.thread.pk, actor=world.users["seller"])


STATES: dict[str, Callable[[World], None] | None] = {
    "offer open": None, "offer withdrawn": _withdrawn, "offer past its time": _lapsed, "thread closed": _closed,
}


# --- What each side shows ----------------------------------------------------------------------

def page_buttons(world: World, role: str) -> tuple[set[str], set[str]] | None:
    """The thread's and the offer's actions the thread page has a button for (None: 404)."""
    thread, offer = world.thread, world.offer
    response = world.clients[role].get(reverse("negotiation:thread", args=[thread.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    html = response.content.decode()
    own_agent = world.own_agents.get(role)
    thread_urls = {
        "post": reverse("negotiation:messages", args=[thread.pk]),
        "offer": reverse("negotiation:offer_new", args=[thread.pk]),
        "add_agent": reverse("negotiation:agent_add", args=[thread.pk]),
        "close": reverse("negotiation:close", args=[thread.pk]),
    }
    if own_agent:
        thread_urls["remove_agent"] = reverse("negotiation:agent_remove", args=[thread.pk, own_agent])
    offer_urls = {
        "withdraw": reverse("negotiation:offer_action", args=[offer.pk, "withdraw"]),
        "reject": reverse("negotiation:offer_action", args=[offer.pk, "reject"]),
        "counter": reverse("negotiation:offer_counter", args=[offer.pk]),
        "accept": reverse("negotiation:offer_action", args=[offer.pk, "accept"]),
    }
    if not own_agent:  # nobody else may send any agent away
        assert "/remove/" not in html
    # Whole links only (a link to remove an agent starts as the one to add one).
    return ({name for name, url in thread_urls.items() if f'"{url}"' in html},
            {name for name, url in offer_urls.items() if f'"{url}"' in html})


def api_actions(world: World, role: str) -> tuple[list[str], list[str]] | None:
    client = world.clients[role]
    thread = client.get(f"/api/v1/threads/{world.thread.pk}")
    offer = client.get(f"/api/v1/offers/{world.offer.pk}")
    if thread.status_code == 404:
        assert offer.status_code == 404
        return None
    listed = client.get(f"/api/v1/threads/{world.thread.pk}/offers").json()
    assert [row["allowed_actions"] for row in listed] == [offer.json()["allowed_actions"]]
    assert client.get("/api/v1/threads").json()["items"][0]["allowed_actions"] == thread.json()["allowed_actions"]
    return thread.json()["allowed_actions"], offer.json()["allowed_actions"]


class _Undo(Exception):
    pass


def accepts(step: Callable[[], object]) -> bool:
    """Whether the service takes the step; whatever it did is undone afterwards."""
    taken = False
    try:
        with transaction.atomic():
            try:
                step()
                taken = True
            except ApplicationError:
                pass
            raise _Undo
    except _Undo:
        pass
    return taken


def service_steps(world: World, role: str) -> tuple[set[str], set[str]]:
    user, thread_id, offer_id = world.users[role], world.thread.pk, world.offer.pk
    agent = world.own_agents.get(role, world.own_agents["buyer"])
    thread_steps: dict[str, Callable[[], object]] = {
        "post": lambda: messages.message_post(thread_id=thread_id, actor=user, body="你好"),
        "offer": lambda: offers.offer_make(thread_id=thread_id, actor=user, terms=offer_terms()),
        "add_agent": lambda: threads.thread_agent_add(thread_id=thread_id, actor=user,
                                                      organisation_id=world.spare_agency.pk),
        "remove_agent": lambda: threads.thread_agent_remove(thread_id=thread_id, actor=user, organisation_id=agent),
        "close": lambda: threads.thread_close(thread_id=thread_id, actor=user),
    }
    offer_steps: dict[str, Callable[[], object]] = {
        "withdraw": lambda: offers.offer_withdraw(offer_id=offer_id, actor=user),
        "reject": lambda: offers.offer_reject(offer_id=offer_id, actor=user),
        "counter": lambda: offers.offer_counter(offer_id=offer_id, actor=user, terms=offer_terms(price_amount="90000")),
        "accept": lambda: offers.offer_accept(offer_id=offer_id, actor=user),
    }
    return ({name for name, step in thread_steps.items() if accepts(step)},
            {name for name, step in offer_steps.items() if accepts(step)})


# --- They agree ------------------------------------------------------------------------------

EXPECTED: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "offer open": {
        "seller": (["post", "add_agent", "remove_agent", "close"], ["withdraw"]),
        "buyer": (["post", "add_agent", "remove_agent", "close"], ["reject", "counter", "accept"]),
        "agent": (["post"], ["reject", "counter"]),
        "outsider": ([], []),
        "operator": (["post", "close"], []),
    },
    "offer withdrawn": {
        "seller": (["post", "offer", "add_agent", "remove_agent", "close"], []),
        "buyer": (["post", "offer", "add_agent", "remove_agent", "close"], []),
        "agent": (["post", "offer"], []),
        "outsider": ([], []),
        "operator": (["post", "close"], []),
    },
    "offer past its time": {
        "seller": (["post", "offer", "add_agent", "remove_agent", "close"], []),
        "buyer": (["post", "offer", "add_agent", "remove_agent", "close"], []),
        "agent": (["post", "offer"], []),
        "outsider": ([], []),
        "operator": (["post", "close"], []),
    },
    "thread closed": {
        "seller": (["remove_agent"], []),
        "buyer": (["remove_agent"], []),
        "agent": ([], []),
        "outsider": ([], []),
        "operator": ([], []),
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(STATES))
def test_page_buttons_api_and_services_agree(world: World, state: str, role: str) -> None:
    change = STATES[state]
    if change is not None:
        change(world)
    world.thread.refresh_from_db()
    world.offer.refresh_from_db()
    expected_thread, expected_offer = EXPECTED[state][role]

    table = (THREAD.allowed_actions(world.thread, world.users[role]),
             OFFER.allowed_actions(world.offer, world.users[role]))
    api = api_actions(world, role)
    page = page_buttons(world, role)
    taken = service_steps(world, role)

    assert table == (expected_thread, expected_offer)
    if role == "outsider":
        assert (api, page) == (None, None)
    else:
        assert api == (expected_thread, expected_offer)
        assert page == (set(expected_thread), set(expected_offer))
    assert taken == (set(expected_thread), set(expected_offer))
    # Trying changed nothing: the offer and the thread are as they were.
    assert Offer.objects.get(pk=world.offer.pk).status == world.offer.status
    assert Thread.objects.get(pk=world.thread.pk).status == world.thread.status
