"""A notice's words are put into its reader's preferred language, whatever the page's: the
notification list marks them with that language where it is not the page's, and marks the
people's text in them (names, titles, what someone wrote, from the notice's params) with its
own against the notice's, as the pages mark names."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ipx.notifications.models import Notification
from ipx.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "高安全性锂电池隔膜"  # Simplified (锂, 电)
WRITER = "香港灣區專利科技有限公司"  # Traditional (灣, 區, 專, 利)
TEXT = "Could you send the drawings?"


def _inbox(preferred: str, page_language: str, client: Client) -> str:
    user = UserFactory.create(preferred_language=preferred)
    Notification.objects.create(user=user, verb="thread.inquiry",
                                params={"title": TITLE, "writer": WRITER, "text": TEXT, "thread_id": 7})
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = page_language
    page = client.get("/notifications/").content.decode()
    return page[page.index('<ul class="notifications">'):page.index("</ul>", page.index('<ul class="notifications">'))]


def test_names_in_an_english_notice_on_an_english_page_carry_their_language(client: Client) -> None:
    page = _inbox("en", "en", client)
    assert f'<strong>New inquiry about “<span lang="zh-Hans" dir="auto">{TITLE}</span>”</strong>' in page
    assert (f'<p><span lang="zh-Hant" dir="auto">{WRITER}</span> wrote: <span dir="auto">{TEXT}</span></p>'
            in page)


def test_a_chinese_notice_on_an_english_page_is_marked_and_its_names_against_it(client: Client) -> None:
    page = _inbox("zh-hans", "en", client)
    # The notice is in Simplified Chinese, and so is the title in it; the Traditional name and
    # the English words are not.
    assert '<strong lang="zh-Hans">' in page and '<p lang="zh-Hans">' in page
    assert f'<span dir="auto">{TITLE}</span>' in page
    assert f'<span lang="zh-Hant" dir="auto">{WRITER}</span>' in page
    assert f'<span lang="en" dir="auto">{TEXT}</span>' in page


def test_a_notice_in_the_page_s_language_is_not_marked_again(client: Client) -> None:
    page = _inbox("zh-hant", "zh-hant", client)
    assert "<strong lang=" not in page and "<p lang=" not in page
    assert f'<span dir="auto">{WRITER}</span>' in page  # Traditional on a Traditional page
    assert f'<span lang="zh-Hans" dir="auto">{TITLE}</span>' in page
