"""Django's database sessions, with the record read by a prepared query.

Every signed-in request reads its session record; the ORM compiled that read anew each time (a
tenth of a signed-in page's CPU). The record, its encoding and everything else are Django's
own (``django.contrib.sessions.backends.db``), so existing sessions stay valid.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from ipx.core.prepared import PreparedQuery

_SESSION = PreparedQuery(lambda p: Session.objects.filter(session_key=p.str("key")).values_list(
    "session_data", "expire_date"))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        # As Django's: the record unless it has expired; none forgets the key, so that a new
        # one is made when the session is saved.
        key = self.session_key
        if key is not None:
            for data, expires in _SESSION.rows(key=key):
                if expires > timezone.now():
                    return Session(session_key=key, session_data=data, expire_date=expires)
        self._session_key = None
        return None
