"""The bulletin in the API: the JSON is the bulletin's, files on request, bad input a 4xx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ipx.reports.compute import edition_bulletin
from ipx.reports.figures import bulletin_json
from ipx.testing.expo_bulletin import E2020, published_expo

pytestmark = pytest.mark.django_db


def test_bulletin_api(client: Client, on_commit: Callable[[], Any]) -> None:
    with on_commit():
        published_expo()

    answer = client.get(f"/api/v1/reports/bulletins/{E2020}")
    assert answer.status_code == 200
    assert answer.json() == bulletin_json(edition_bulletin(E2020))
    assert answer.json()["auctions"]["by_type"]["trademark"]["max_premium_rate"] == "0.3500"

    span = client.get("/api/v1/reports/bulletin", {"since": "2020-11-13", "until": "2020-11-19"}).json()
    assert span["transactions"]["total_amount"] == "1867000000.00" and span["edition"] is None

    csv = client.get(f"/api/v1/reports/bulletins/{E2020}", {"format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert b"intended.amount,12850000000.00" in csv.content

    missing = client.get("/api/v1/reports/bulletins/no-such-edition")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    for query, field in (({"format": "doc"}, "format"), ({"lang": "fr"}, "lang")):
        refused = client.get(f"/api/v1/reports/bulletins/{E2020}", query)
        assert refused.status_code == 400 and field in refused.json()["error"]["fields"]
    for query, field in (({"since": "2020-02-30", "until": "2020-03-01"}, "since"),
                         ({"since": "2020-03-01", "until": "2020-02-01"}, "until"),
                         # Days no span may reach: their arithmetic would leave the calendar.
                         ({"since": "9999-12-30", "until": "9999-12-31"}, "since"),
                         ({"since": "0001-01-01", "until": "0001-01-02"}, "since")):
        refused = client.get("/api/v1/reports/bulletin", query)
        assert refused.status_code == 400 and field in refused.json()["error"]["fields"]
