"""The back-office health panel: the same checks, for staff only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from ipx.health.tests.helpers import fixed, use_probes
from ipx.testing.fixtures import Member

PANEL = "/admin/health/"


@pytest.fixture(autouse=True)
def _checks(monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok", "The database answers.", vendor="sqlite"),
               fixed("search_index", "failing", "The index was built from another database.",
                     "Run ipx reindex --full."))


def test_the_panel_has_its_address() -> None:
    assert reverse("health:panel") == PANEL


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(PANEL)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.path, target.query) == (reverse("admin:login"), "next=/admin/health/")


def test_members_are_refused(owner: Member) -> None:
    response = owner.client.get(PANEL, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
    page = response.content.decode()
    assert "but are not authorized to access this page" in page
    assert "health-checks" not in page
    assert "another database" not in page


def test_staff_see_every_check_in_a_table(operator_client: Client) -> None:
    response = operator_client.get(PANEL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<table id="health-checks">' in page
    assert 'data-check="database"' in page and 'data-check="search_index"' in page
    assert "The index was built from another database." in page
    assert "Run ipx reindex --full." in page
    assert "<code>vendor</code>: sqlite" in page
    assert "Overall: Failing" in page
    assert [row["label"] for row in response.context["rows"]] == ["Database", "Search index"]


def test_the_back_office_home_links_to_the_panel(operator_client: Client) -> None:
    page = operator_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{PANEL}">System health</a>' in page
