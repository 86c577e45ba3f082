"""The exchange the contract is tested against: the access matrix's world (every object in
every state a step starts from), built once inside a transaction that is rolled back at the
end; each test runs in a savepoint of its own, rolled back after it, so what one test's
requests write is gone for the next.

The cast signs in with API tokens holding every scope: the owner (the administrator of the
world's home organisation, which sells), the buyer (the administrator of its counterparty)
and an operator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from ipx.accounts.models import ApiToken, User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.testing.access_world import build_access_world
from ipx.testing.world_stage import fresh_test_state, rolled_back_world
from tests.api_contract.exchange import Exchange


@pytest.fixture(autouse=True)
def _isolated_settings() -> None:
    fresh_test_state()


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # Requests go straight to the WSGI application, whose end-of-request hook would close the
    # connection that holds the test's transaction (Django's test client unhooks it too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="package")
def built(django_db_setup: None, django_db_blocker: Any,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exchange]:
    with rolled_back_world(tmp_path_factory.mktemp("api-contract"), django_db_blocker,
                           EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        world = build_access_world()
        cast: dict[str, User] = {"owner": _present(world.user("admin")),
                                 "buyer": world.counterparty_admin, "operator": world.operator}
        every_scope = TokenInput.parse(name="contract", scopes=list(ApiToken.Scope.values))
        tokens = {who: api_token_create(user=user, token=every_scope)[1] for who, user in cast.items()}
        yield Exchange(world, tokens)


def _present(user: User | None) -> User:
    assert user is not None
    return user


@pytest.fixture
def exchange(built: Exchange, db: None) -> Exchange:
    """The exchange; ``db`` runs the test in a savepoint of its transaction, rolled back after."""
    return built
