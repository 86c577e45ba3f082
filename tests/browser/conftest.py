"""Headless Chromium from Debian, driven by Playwright (no browser downloads)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = os.environ.get("IPX_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# Set IPX_SCREENSHOTS=dir to keep a picture of each step.
SCREENSHOTS = os.environ.get("IPX_SCREENSHOTS")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous and safe, so lift Django's guard for them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with _connections_opened_here_closed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@contextmanager
def _connections_opened_here_closed() -> Iterator[None]:
    """Closes, at the end, every database connection this thread opened meanwhile. Playwright's
    sync API switches greenlets, each with a context of its own, and Django keeps a connection
    per context: the test's own queries may get a second connection that Django's teardown never
    sees, which stays open until the process ends, and PostgreSQL then refuses to drop the test
    database. Connections of other threads (the live server's) are theirs to close."""
    thread = threading.get_ident()
    opened: list[BaseDatabaseWrapper] = []

    def remember(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        if threading.get_ident() == thread:
            opened.append(connection)

    connection_created.connect(remember, weak=False)
    try:
        yield
    finally:
        connection_created.disconnect(remember)
        for connection in opened:
            connection.close()


def snap(page: object, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
