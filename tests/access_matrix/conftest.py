"""One world for the package's tests, built once inside a transaction that is rolled back at
the end; each cell runs in a savepoint of its own that is rolled back after it, so a
write that succeeds leaves nothing for the next cell."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ipx.accounts.models import ApiToken
from ipx.accounts.sessions.models import UserSession
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.testing.access_world import ROLES, AccessWorld, build_access_world
from ipx.testing.second_factor import fresh_second_factor, signed_in
from ipx.testing.world_stage import fresh_test_state, rolled_back_world

from . import snapshot


@dataclass
class Stage:
    world: AccessWorld
    sessions: dict[str, str]  # role → session key (none for anonymous)
    tokens: dict[str, str]  # role → an API token with every scope (none for anonymous)

    @cached_property
    def baseline(self) -> snapshot.Snapshot:
        """The world's tables as every cell finds them. Taken once, in the first cell that asks,
        before its request: a cell's writes are rolled back with its savepoint, so a later cell
        that finds its tables changed before its own request shows a write that escaped one."""
        return snapshot.take()

    def client(self, role: str) -> Client:
        client = Client()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


@pytest.fixture(autouse=True)
def _isolated_settings() -> None:
    fresh_test_state()


@pytest.fixture(scope="package")
def stage(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    # Every session passed its second factor when the world was built; the package may run
    # longer than the step-up window or the privileged idle limit.
    with rolled_back_world(tmp_path_factory.mktemp("access-matrix"), django_db_blocker,
                           IPX_STEP_UP_MINUTES=24 * 60, IPX_SESSION_IDLE_MINUTES_PRIVILEGED=24 * 60,
                           IPX_REAUTH_MINUTES=24 * 60):
        world = build_access_world()
        sessions, tokens = {}, {}
        for role in ROLES:
            user = world.user(role)
            if user is not None:
                # Everyone has an authenticator app and passed it, so that signing
                # and payouts (which need a fresh second factor) are about rights.
                client = fresh_second_factor(signed_in(user), user)
                # The first request settles the session's own rows, once.
                client.get("/notifications/")
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
                _token, tokens[role] = api_token_create(
                    user=user, token=TokenInput.parse(name="matrix", scopes=list(ApiToken.Scope.values))
                )
        # A second session of the member's, for the page that ends one's other sessions.
        member = world.people["member"]
        assert member is not None
        signed_in(member)
        world.extras["member_other_session"] = UserSession.objects.filter(user=member).latest("pk").pk
        yield Stage(world, sessions, tokens)


@pytest.fixture
def cell(stage: Stage, db: None) -> Stage:
    """The stage; ``db`` runs the cell in a savepoint of the world's transaction and rolls
    it back after it."""
    return stage
