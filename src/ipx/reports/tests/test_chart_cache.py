"""The bulletin's charts are drawn once for the same figures in the same language: a second
page is not drawn again, another language is, and a changed record is drawn at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client

from ipx.expo.inputs import EditionInput, parse_record
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import record_save
from ipx.reports import charts

pytestmark = pytest.mark.django_db
PAGE = "/reports/bulletin/cached-2030/"


def _save(ref: str, kind: str, ip_type: str, amount: str) -> None:
    record_save(record=parse_record({"ref": ref, "edition": "cached-2030", "date": "2030-05-01", "kind": kind,
                                     "ip_type": ip_type, "amount": amount, "currency": "CNY",
                                     "evidence": "register"}), actor=None)


@pytest.fixture
def drawn(on_commit: Callable[[], Any]) -> Any:
    """Counts the charts drawn (each bar chart is one call of the drawing)."""
    cache.clear()
    edition_create(data=EditionInput(slug="cached-2030", name="Expo 2030", start_date=date(2030, 5, 1),
                                     end_date=date(2030, 5, 3)))
    with on_commit():
        _save("r-1", "transaction", "patent", "1000000.00")
        _save("r-2", "gi_sale", "gi", "250000.00")
    with mock.patch.object(charts, "_bars", wraps=charts._bars) as bars:
        yield bars


def _page(language: str = "en") -> str:
    response = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_an_unchanged_bulletin_is_not_drawn_again(drawn: Any) -> None:
    first = _page()
    assert drawn.call_count == 1  # the amounts: no growth, auctions or exhibitors to draw
    assert _page() == first
    assert drawn.call_count == 1
    _page("zh-hans")
    assert drawn.call_count == 2


def test_a_changed_record_is_drawn_at_once(drawn: Any, on_commit: Callable[[], Any]) -> None:
    before = _page()
    with on_commit():
        _save("r-2", "gi_sale", "gi", "350000.00")
    after = _page()
    assert drawn.call_count == 2
    assert after != before and "350,000 yuan" in after
