"""Who signed the request in: Django's ``AuthenticationMiddleware``, with the common case read
by a prepared query.

Every signed-in request reads its user; Django's ``ModelBackend`` compiled that read anew each
time. When the session names ``ModelBackend`` (every sign-in on IPX does) and carries the
user's current session hash, the user is read by a prepared query and checked as Django
checks it (active, same hash). Anything else (another backend, no hash, a hash of an earlier
secret, a user gone or inactive, a malformed id) is left to ``django.contrib.auth.get_user``,
which rotates, flushes or signs out as it always has.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from ipx.accounts.models import User
from ipx.core.prepared import PreparedQuery, field_paths, instance

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_USER = PreparedQuery(lambda p: User.objects.filter(pk=p.int("id")).values_list(*field_paths(User)))


def signed_in_user(request: HttpRequest) -> User | AnonymousUser:
    """What ``django.contrib.auth.get_user(request)`` returns."""
    session = request.session
    if session.get(auth.BACKEND_SESSION_KEY) != MODEL_BACKEND or MODEL_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    session_hash = str(session.get(auth.HASH_SESSION_KEY) or "")
    try:
        user_id = User._meta.pk.to_python(session[auth.SESSION_KEY])
    except (KeyError, ValidationError):
        return auth.get_user(request)
    rows = _USER.rows(id=user_id) if isinstance(user_id, int) and session_hash else []
    if rows:
        user = instance(User, rows[0])
        if ModelBackend().user_can_authenticate(user) and constant_time_compare(
                session_hash, user.get_session_auth_hash()):
            return user
    return auth.get_user(request)


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        # As Django does: the user is read when first used (a lazy object that acts as one).
        request.user = cast(User, SimpleLazyObject(lambda: signed_in_user(request)))
