"""A world built once for a whole test package (the access matrix, the API contract) inside a
transaction rolled back at the end; each test then runs in a savepoint of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from ipx.catalog.reference import clear_caches
from ipx.search.backends import reset_backends


def fresh_caches() -> None:
    for alias in settings.CACHES:
        caches[alias].clear()


def fresh_test_state() -> None:
    """What each test of such a package starts from, in place of the project's per-test
    settings (a directory per test would lose the world's files): the package's settings
    hold; caches (the login lockout's among them) and the language start afresh."""
    fresh_caches()
    translation.activate(settings.LANGUAGE_CODE)


@contextmanager
def rolled_back_world(root: Path, django_db_blocker: Any, **extra_settings: Any) -> Iterator[None]:
    """Settings of the package's own (files under ``root``), and a transaction for the world
    the block builds, rolled back when the package is done."""
    overrides = override_settings(
        IPX_TASKS_IMMEDIATE=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        IPX_SEARCH_INDEX_DIR=root / "search",
        MEDIA_ROOT=root / "media",
        IPX_PRIVATE_ROOT=root / "private",
        VAR_DIR=root / "var",
        IPX_MATCHING_DENSE=False,
        STORAGES={**settings.STORAGES,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        **extra_settings,
    )
    overrides.enable()
    reset_backends()
    clear_caches()
    fresh_test_state()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
    finally:
        reset_backends()
        overrides.disable()
