"""The request's user and session record, read by prepared queries, are what Django's own
reads give: the same user, or the same refusal with the same effect on the session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.utils import timezone

from ipx.accounts.models import User
from ipx.accounts.sessions import user as signed_in
from ipx.accounts.sessions.store import SessionStore
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

Outcome = tuple[int | None, bool]  # the user's id (None: anonymous), whether the session still holds a user


def _signed_in_session(user: User, **changes: Any) -> str:
    """A saved session as a sign-in leaves it, then changed (a value of None removes a key)."""
    session = SessionStore()
    session[auth.SESSION_KEY] = str(user.pk)
    session[auth.BACKEND_SESSION_KEY] = signed_in.MODEL_BACKEND
    session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
    for key, value in changes.items():
        if value is None:
            session.pop(key, None)
        else:
            session[key] = value
    session.save()
    assert session.session_key is not None
    return session.session_key


def _outcome(read: Callable[[Any], Any], key: str) -> Outcome:
    request = RequestFactory().get("/")
    request.session = SessionStore(key)
    user = read(request)
    return (user.pk if not isinstance(user, AnonymousUser) else None), auth.SESSION_KEY in request.session


def _both(key: str) -> tuple[Outcome, Outcome]:
    """Django's answer first (on a copy of the session: a refusal flushes it), then ours."""
    copy = SessionStore(key)
    copy_data = copy.load()
    twin = SessionStore()
    twin.update(copy_data)
    twin.save()
    assert twin.session_key is not None
    return _outcome(auth.get_user, twin.session_key), _outcome(signed_in.signed_in_user, key)


def test_a_signed_in_session_gives_its_user_by_the_prepared_read(owner: Member,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    key = _signed_in_session(owner.user)
    assert _both(key) == ((owner.user.pk, True), (owner.user.pk, True))
    # The common case does not go through Django's read.
    monkeypatch.setattr(signed_in.auth, "get_user", lambda request: pytest.fail("Django's read was used"))
    user = _outcome(signed_in.signed_in_user, key)
    assert user == (owner.user.pk, True)


@pytest.mark.parametrize("case", ["wrong hash", "no hash", "inactive", "deleted", "password changed",
                                  "another backend", "no user id", "earlier secret"])
def test_every_other_session_is_answered_as_django_answers_it(owner: Member, case: str,
                                                              settings: Any) -> None:
    user = owner.user
    every_change: dict[str, dict[str, Any]] = {
        "wrong hash": {auth.HASH_SESSION_KEY: "0" * 64},
        "no hash": {auth.HASH_SESSION_KEY: None},
        "another backend": {auth.BACKEND_SESSION_KEY: "django.contrib.auth.backends.RemoteUserBackend"},
        "no user id": {auth.SESSION_KEY: None},
    }
    changes = every_change.get(case, {})
    if case == "earlier secret":
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        changes = {auth.HASH_SESSION_KEY: user.get_session_auth_hash()}
        settings.SECRET_KEY = "another-" + settings.SECRET_KEY
    key = _signed_in_session(user, **changes)
    if case == "inactive":
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif case == "deleted":
        User.objects.filter(pk=user.pk).delete()
    elif case == "password changed":
        user.set_password("an entirely new passphrase 42")
        user.save()
    django_answer, ours = _both(key)
    assert ours == django_answer
    # Signed out; a session whose hash does not verify is emptied too, the others keep it.
    expected = {"earlier secret": (user.pk, True), "inactive": (None, True), "deleted": (None, True),
                "another backend": (None, True)}.get(case, (None, False))
    assert ours == expected


def test_the_session_record_reads_as_djangos(owner: Member) -> None:
    key = _signed_in_session(owner.user, ipx_organisation_id=owner.organisation.pk)
    assert SessionStore(key).load() == DjangoSessionStore(key).load()
    assert SessionStore(key).load()["ipx_organisation_id"] == owner.organisation.pk
    # An expired record is no session, and its key is forgotten (a new one is made on saving).
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} == DjangoSessionStore(key).load()
    assert expired.session_key is None
    assert SessionStore("no-such-session-key").load() == {}


def test_the_site_uses_both() -> None:
    assert settings.SESSION_ENGINE == "ipx.accounts.sessions.store"
    assert "ipx.accounts.sessions.user.AuthenticationMiddleware" in settings.MIDDLEWARE
