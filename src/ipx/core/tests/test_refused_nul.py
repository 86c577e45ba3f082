"""A NUL character in a page's address, query or form is refused with the error page (400),
whoever asks: the refusal comes before the signed-in user is read, and the page is drawn
for nobody rather than failing on its menu."""

from __future__ import annotations

import pytest
from django.test import Client

from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

REQUESTS = [("get", "/search/?q=%00"), ("get", "/search/?page=%00"), ("get", "/demands/?q=a%00b"),
            ("get", "/reports/bulletin/?year=%00"), ("get", "/catalog/ipc/%00/"), ("post", "/accounts/login/")]


def _ask(client: Client, method: str, path: str) -> tuple[int, str]:
    if method == "post":
        answer = client.post(path, "email=a%00b&password=x", content_type="application/x-www-form-urlencoded")
    else:
        answer = client.get(path)
    return answer.status_code, answer.content.decode()


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_a_nul_is_refused_on_a_page_for_anybody(method: str, path: str) -> None:
    status, text = _ask(Client(), method, path)
    assert status == 400 and "NUL" in text


def test_a_nul_is_refused_on_a_page_for_a_signed_in_member(owner: Member) -> None:
    client = Client()
    client.force_login(owner.user)
    status, text = _ask(client, "get", "/search/?q=%00")
    assert status == 400 and "NUL" in text
