"""Rule: making a contract's PDF fetches nothing but the exchange's own static files. A URL in
the contract's HTML that points at the network (http://) or at a server file (file:///etc/passwd)
is refused before anything is opened; a static file is read from the static files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders

from ipx.deals.contracts import pdf, resources
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


class _Counting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # a request here means the renderer went to the network
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Counting.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_contract_fetches_no_url_but_the_exchanges_static_files(owner: Member, buyer: Member, server: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    deal = make_deal(owner, buyer)
    outside = [f"{server}/leak.png", f"{server}/style.css", "file:///etc/passwd", "file:///etc/hostname",
               "/static/../../../../etc/passwd"]
    network, style, passwd, hostname, climbing = outside
    injected = (f'<img src="{network}"><img src="{style}"><link rel="stylesheet" href="{style}"><img src="{passwd}">'
                f'<link rel="stylesheet" href="{hostname}"><img src="{climbing}">'
                '<link rel="stylesheet" href="/static/ipx/ipx.css">')
    render = pdf.render_to_string
    monkeypatch.setattr(pdf, "render_to_string", lambda *args, **kwargs: render(*args, **kwargs).replace(
        "</body>", injected + "</body>"))
    asked: list[tuple[str, str]] = []
    fetch = resources.static_files_only

    def watched(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            answer = fetch(url, *args, **kwargs)
        except resources.ResourceRefused:
            asked.append((url, "refused"))
            raise
        asked.append((url, "read"))
        return answer

    monkeypatch.setattr(resources, "static_files_only", watched)
    data = pdf.contract_render(deal)

    assert data.startswith(b"%PDF-")
    assert _Counting.hits == []  # nothing went to the network
    answers = dict(asked)
    for url in (outside[0], outside[1], outside[2], outside[3]):
        assert answers[url] == "refused", url
    assert answers["file:///etc/passwd"] == "refused"
    assert answers["file:///static/ipx/ipx.css"] == "read"  # the project's own style sheet
    assert {outcome for url, outcome in asked if "passwd" in url} == {"refused"}


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.com/a.css", "ftp://example.com/a",
    "data:text/plain,secret", "file:///static/../etc/passwd", "file:///static/%2e%2e/etc/passwd",
    "file://host/static/ipx/ipx.css", "file:///static/", "file:///static/ipx/no-such-file.css",
    "file:///static//etc/passwd", "file:///var/ipx/static/ipx/ipx.css",
])
def test_the_fetcher_refuses_anything_but_a_static_file(url: str) -> None:
    with pytest.raises(resources.ResourceRefused):
        resources.static_files_only(url)


def test_the_fetcher_reads_a_static_file_from_the_static_files(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"  # nothing collected yet: the finders find it
    answer = resources.static_files_only("file:///static/ipx/ipx.css")
    found = finders.find("ipx/ipx.css")
    assert isinstance(found, str)
    assert (answer["string"], answer["mime_type"]) == (Path(found).read_bytes(), "text/css")
    (tmp_path / "static" / "ipx").mkdir(parents=True)
    (tmp_path / "static" / "ipx" / "ipx.css").write_bytes(b"body{}")  # collected: read from there
    assert resources.static_files_only("file:///static/ipx/ipx.css")["string"] == b"body{}"
