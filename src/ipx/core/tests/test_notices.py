"""Notices are stored as verb + params and put into words when read or mailed, in the reader's
language: the wording registry, a notification's title and body, and mail after commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail as django_mail
from django.utils import translation
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core import mail, notices
from ipx.core.mail import mail_on_commit
from ipx.core.notices import Params, Wording, render, wording, words_for
from ipx.notifications.models import Notification
from ipx.testing.factories import UserFactory

# Sentences the project already translates, so the test sees real translations.
MATCHED = "Your listing matches a demand: “%(demand)s”"
MATCHED_HANS = "您的挂牌项目与一项技术需求匹配：“%(demand)s”"
MATCHED_HANT = "您的掛牌項目與一項技術需求匹配：「%(demand)s」"
REVIEW = "Awaiting review"
REVIEW_IN = {"en": "Awaiting review", "zh-hans": "待审核", "zh-hant": "待審核"}

CALLS: list[str] = []


def matched_title(params: Params) -> str:
    CALLS.append("title")
    return _(MATCHED) % {"demand": params["demand"]}


def matched_body(params: Params) -> str:
    CALLS.append("body")
    return _(REVIEW)


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Wording]]:
    """The apps' wordings plus this test's own; whatever the test registers goes with it."""
    own = dict(notices._wordings)
    monkeypatch.setattr(notices, "_wordings", own)
    wording("test.matched", title=matched_title, body=matched_body)
    CALLS.clear()
    yield own
    CALLS.clear()


def notification(user: User, **fields: Any) -> Notification:
    fields.setdefault("verb", "test.matched")
    fields.setdefault("params", {"demand": "固态电池"})
    return Notification.objects.create(user=user, **fields)


# --- The registry -----------------------------------------------------------------------------

def test_a_registered_wording_is_found_by_its_verb() -> None:
    found = words_for("test.matched")

    assert found == Wording(title=matched_title, body=matched_body)
    assert words_for("test.never-registered") is None


def test_registering_a_verb_again_replaces_its_wording(registry: dict[str, Wording]) -> None:
    count = len(registry)

    wording("test.matched", title=lambda params: "New title", body=lambda params: "New body")

    assert render("test.matched", {}) == ("New title", "New body")
    assert len(registry) == count


def test_rendering_an_unregistered_verb_is_an_error() -> None:
    with pytest.raises(LookupError, match=r"^no wording registered for notices of 'test\.unknown'$"):
        render("test.unknown", {})


def test_a_notice_is_put_into_words_in_the_active_language() -> None:
    params = {"demand": "固态电池"}

    assert render("test.matched", params) == (MATCHED % params, REVIEW)
    with translation.override("zh-hans"):
        assert render("test.matched", params) == (MATCHED_HANS % params, "待审核")
    with translation.override("zh-hant"):
        assert render("test.matched", params) == (MATCHED_HANT % params, "待審核")


def test_the_params_are_read_when_rendered() -> None:
    assert render("test.matched", {"demand": "A"})[0] == MATCHED % {"demand": "A"}
    assert render("test.matched", {"demand": "B"})[0] == MATCHED % {"demand": "B"}


def test_a_missing_param_fails_when_rendered() -> None:
    with pytest.raises(KeyError, match="demand"):
        render("test.matched", {})


# --- A notification in its reader's language --------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_a_notification_reads_in_its_recipients_language_whatever_is_active(language: str) -> None:
    row = notification(UserFactory.create(preferred_language=language))
    expected = {"en": MATCHED, "zh-hans": MATCHED_HANS, "zh-hant": MATCHED_HANT}[language] % {"demand": "固态电池"}

    for active in ("en", "zh-hans", "zh-hant"):
        fresh = Notification.objects.get(pk=row.pk)
        with translation.override(active):
            assert (fresh.title, fresh.body) == (expected, REVIEW_IN[language])
            assert translation.get_language() == active  # reading does not change the page's language


@pytest.mark.django_db
def test_each_recipient_reads_the_same_notice_in_their_own_language() -> None:
    english = notification(UserFactory.create(preferred_language="en"))
    chinese = notification(UserFactory.create(preferred_language="zh-hans"))

    assert (english.title, chinese.title) == (MATCHED % {"demand": "固态电池"}, MATCHED_HANS % {"demand": "固态电池"})
    assert (english.stored_title, chinese.stored_title) == ("", "")  # nothing translated was stored


@pytest.mark.django_db
def test_a_recipient_without_a_language_reads_the_sites() -> None:
    row = notification(UserFactory.create(preferred_language=""))

    with translation.override("zh-hant"):
        assert (row.title, row.body) == (MATCHED % {"demand": "固态电池"}, REVIEW)


@pytest.mark.django_db
def test_a_notification_is_put_into_words_once_per_read_row() -> None:
    row = notification(UserFactory.create())

    assert [row.title, row.body, row.title, row.body] == [MATCHED % {"demand": "固态电池"}, REVIEW] * 2
    assert CALLS == ["title", "body"]


@pytest.mark.django_db
def test_a_long_title_is_cut_at_200_characters() -> None:
    row = notification(UserFactory.create(), params={"demand": "长" * 300})

    assert len(row.title) == 200
    assert row.title == (MATCHED % {"demand": "长" * 300})[:200]
    assert row.body == REVIEW


@pytest.mark.django_db
def test_empty_params_are_still_rendered() -> None:
    wording("test.plain", title=lambda params: _(REVIEW), body=lambda params: "")
    row = notification(UserFactory.create(preferred_language="zh-hans"), verb="test.plain", params={},
                       stored_title="never shown")

    assert (row.title, row.body) == ("待审核", "")


@pytest.mark.django_db
def test_an_old_row_shows_the_text_it_was_stored_with() -> None:
    # Rows from before params have none; their verb may have a wording today, or none at all.
    user = UserFactory.create(preferred_language="zh-hans")
    worded = notification(user, params=None, stored_title="An old title", stored_body="An old body")
    unworded = notification(user, verb="test.gone", params=None, stored_title="Gone", stored_body="Long gone")

    assert (worded.title, worded.body) == ("An old title", "An old body")
    assert (unworded.title, unworded.body) == ("Gone", "Long gone")
    assert CALLS == []


# --- Mail -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_mail_is_written_in_each_recipients_language_after_commit(on_commit: Any, mailoutbox: list[Any]) -> None:
    people = [UserFactory.create(email=f"{language}@example.com", preferred_language=language)
              for language in ("en", "zh-hans", "zh-hant", "")]

    with on_commit():
        mail_on_commit(people, lambda: render("test.matched", {"demand": "X"})[0],
                       lambda: render("test.matched", {"demand": "X"})[1])
        assert mailoutbox == []
        assert CALLS == []  # nothing is translated before the commit

    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["en@example.com"], MATCHED % {"demand": "X"}, REVIEW),
        (["zh-hans@example.com"], MATCHED_HANS % {"demand": "X"}, "待审核"),
        (["zh-hant@example.com"], MATCHED_HANT % {"demand": "X"}, "待審核"),
        (["@example.com"], MATCHED % {"demand": "X"}, REVIEW),
    ]
    assert translation.get_language() == "en"


@pytest.mark.django_db
def test_one_failed_mail_does_not_stop_the_others(on_commit: Any, mailoutbox: list[Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    people = [UserFactory.create(email=f"{language}@example.com", preferred_language=language)
              for language in ("zh-hant", "en")]

    def subject() -> str:
        if translation.get_language() == "zh-hant":
            raise RuntimeError("no words")
        return "Subject"

    logged: list[str] = []
    monkeypatch.setattr(mail.logger, "exception", lambda message, *args: logged.append(message % args))

    with on_commit():
        mail_on_commit(people, subject, lambda: "Body")

    assert [(m.to, m.subject) for m in mailoutbox] == [(["en@example.com"], "Subject")]
    assert logged == ["could not send mail to zh-hant@example.com"]


@pytest.mark.django_db
def test_no_mail_leaves_when_the_transaction_rolls_back(on_commit: Any) -> None:
    from django.db import transaction

    person = UserFactory.create()

    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        mail_on_commit([person], lambda: "Subject", lambda: "Body")
        raise RuntimeError("the change failed")

    assert django_mail.outbox == []
