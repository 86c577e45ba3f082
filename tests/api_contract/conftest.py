"""The exchange the contract is tested against: the access matrix's world (every object in
every state a step starts from), built once inside a transaction that is rolled back at the
end; each test runs in a savepoint of its own, rolled back after it, so what one test's
requests write is gone for the next.

The cast signs in with API tokens holding every scope: the owner (the administrator of the
world's home organisation, which sells), the buyer (the administrator of its counterparty)
and an operator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import translation

from ipx.accounts.models import ApiToken, User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.catalog.reference import clear_caches
from ipx.search.backends import reset_backends
from ipx.testing.access_world import build_access_world
from tests.api_contract.exchange import Exchange


def _settings(root: Path) -> Any:
    return override_settings(
        IPX_TASKS_IMMEDIATE=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        IPX_SEARCH_INDEX_DIR=root / "search",
        MEDIA_ROOT=root / "media",
        IPX_PRIVATE_ROOT=root / "private",
        VAR_DIR=root / "var",
        IPX_MATCHING_DENSE=False,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STORAGES={**settings.STORAGES,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    )


def _fresh_caches() -> None:
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _isolated_settings() -> Iterator[None]:
    """Replaces the project's per-test settings (a directory per test would lose the world's
    files): the package's settings hold; caches (the login lockout's among them) and the
    language start afresh."""
    _fresh_caches()
    translation.activate(settings.LANGUAGE_CODE)
    yield


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
    overrides = _settings(tmp_path_factory.mktemp("api-contract"))
    overrides.enable()
    reset_backends()
    clear_caches()
    _fresh_caches()
    translation.activate(settings.LANGUAGE_CODE)
    try:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                world = build_access_world()
                cast: dict[str, User] = {"owner": _present(world.user("admin")),
                                         "buyer": world.counterparty_admin, "operator": world.operator}
                every_scope = TokenInput.parse(name="contract", scopes=list(ApiToken.Scope.values))
                tokens = {who: api_token_create(user=user, token=every_scope)[1] for who, user in cast.items()}
                yield Exchange(world, tokens)
            finally:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
    finally:
        reset_backends()
        overrides.disable()


def _present(user: User | None) -> User:
    assert user is not None
    return user


@pytest.fixture
def exchange(built: Exchange, db: None) -> Exchange:
    """The exchange; ``db`` runs the test in a savepoint of its transaction, rolled back after."""
    return built
