"""pytest fixtures for every test: isolated settings and the fixed cast of users.

The cast: ``owner`` administers a verified enterprise that holds IP; ``buyer`` belongs to
another verified enterprise; ``outsider`` has an organisation of their own and no business
with either; ``operator`` is exchange staff; ``banker`` works at a financial institution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from ipx.accounts.models import Membership, Organisation, User
from ipx.catalog.reference import clear_caches
from ipx.search.backends import reset_backends
from ipx.search.backends.postgres import PostgresBackend
from ipx.testing.databases import ON_POSTGRES
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.second_factor import signed_in

# Property tests judge results, never time: a draw or an example slowed by a busy machine (CI's
# two cores run browsers beside them) is no failure.
hypothesis_settings.register_profile("ipx", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ipx")


@pytest.fixture(autouse=True)
def _isolated_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.IPX_TASKS_IMMEDIATE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.IPX_SEARCH_INDEX_DIR = tmp_path / "search"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IPX_PRIVATE_ROOT = tmp_path / "private"
    # Each test's own var/ (the matching engine's vector cache lives there); matching ranks by
    # words and facts unless a test asks for the embedding model (it costs ~0.25 s a text).
    settings.VAR_DIR = tmp_path / "var"
    settings.IPX_MATCHING_DENSE = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    reset_backends()
    clear_caches()
    # Each test's database starts at content version 0 again; answers kept for another
    # test's data must not be served.
    caches["public"].clear()
    # Requests leave their language active in the thread; tests that call services
    # directly expect the site's default.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    reset_backends()


def _commits(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _search_rows_left_by_commits(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL the search index is a table of its own (``search_listingdoc``), which the
    flush after a committing test leaves alone, as it is no model's: a later test would find
    that test's listings in its search (the index counted 5 of a test's 4)."""
    yield
    if ON_POSTGRES and _commits(request):
        with django_db_blocker.unblock():
            PostgresBackend().clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """``with on_commit(): ...`` runs the block's after-commit work (events, tasks, mail)
    when it ends, as a real commit would inside a test transaction."""

    def run() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return run


@dataclass
class Member:
    user: User
    organisation: Organisation

    @property
    def client(self) -> Client:
        return signed_in(self.user)


def _member(email: str, person: str, kind: str = Organisation.Kind.ENTERPRISE, **org: Any) -> Member:
    membership = MembershipFactory.create(user=UserFactory.create(email=email, full_name=person),
                                   organisation=OrganisationFactory.create(kind=kind, **org),
                                   role=Membership.Role.ADMIN)
    return Member(membership.user, membership.organisation)


@pytest.fixture
def owner(db: None) -> Member:
    return _member("owner@example.com", "Olivia Owner", name="广州湾区电池科技有限公司")


@pytest.fixture
def buyer(db: None) -> Member:
    return _member("buyer@example.com", "Bao Buyer", name="佛山新能源汽车有限公司")


@pytest.fixture
def outsider(db: None) -> Member:
    return _member("outsider@example.com", "Otto Outsider", name="Outside Trading Ltd", region_kind="hk",
                   province="", city="", uscc=None)


@pytest.fixture
def banker(db: None) -> Member:
    return _member("banker@example.com", "Bai Banker", kind=Organisation.Kind.FINANCIAL, name="湾区银行")


@pytest.fixture
def operator(db: None) -> User:
    return UserFactory.create(email="operator@example.com", full_name="Ophelia Operator", is_staff=True)


@pytest.fixture
def operator_client(operator: User) -> Client:
    return signed_in(operator)
