"""Answers every reader gets alike, kept per process, and the one part of a listing's answer
that depends on who asks: the workflow actions they may take.

A published listing reads the same for everyone, and so do search results: the API's
summaries, highlighted snippets and facets, a page's parts that show them. Only the seller's
members and operators may take a step of a listing (``acts_on``), so an answer built once
without actions is every other reader's answer too; the seller's side gets theirs from the
database, per request.

``SharedAnswers`` keeps such answers under the public content version (``ipx.web.public_cache``,
raised after every change of a listing, an asset or an organisation commits), the language
and the day (an asset past its term reads "expired" from the next day): a change makes every
kept answer unreachable at once in every process, and the answers of an older version are
dropped when a newer one is seen. The version is read before the answer is made, so an answer
made from older rows can only be kept under an older version; inside a transaction nothing is
kept or served (its rows may be its own, and the version is raised only once it commits). The
version's reader lives in the web layer, above listings: the public cache hands it over when it
starts (``use_content_version``), and its version drops these answers with the public cache's
own; a process without it (a worker, a command) keeps nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable
from datetime import date
from typing import Generic, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from ipx.accounts.models import Membership, User
from ipx.core.workflow import Attempt
from ipx.listings.guards import held_among, hold_refusal
from ipx.listings.models import Listing
from ipx.listings.workflow import LISTING

Answer = TypeVar("Answer")

_content_version: Callable[[], Hashable] | None = None


def use_content_version(read: Callable[[], Hashable] | None) -> None:
    """Keep shared answers under the version ``read`` returns (None: keep nothing)."""
    global _content_version
    _content_version = read


class SharedAnswers(Generic[Answer]):
    """At most ``limit`` answers of the current version, the oldest dropped first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._version: tuple[Hashable, date] | None = None
        self._answers: dict[tuple[str, Hashable], Answer] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Answer]) -> Answer:
        read = _content_version
        if read is None or connection.in_atomic_block:
            return make()
        version = (read(), timezone.localdate())
        kept_key = (get_language() or "", key)
        with self._lock:
            if version != self._version:
                self._version, self._answers = version, {}
            elif kept_key in self._answers:
                return self._answers[kept_key]
        answer = make()
        with self._lock:
            # Another request may have seen a newer version meanwhile: this answer is not its.
            if version == self._version:
                if len(self._answers) >= self._limit:
                    self._answers.pop(next(iter(self._answers)), None)
                self._answers[kept_key] = answer
        return answer


def member_organisation_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The organisations ``user`` is a member of (none for an anonymous reader, without a query)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return frozenset()
    # Read on every signed-in listing or search answer: one plain statement costs a quarter of
    # the ORM's building the same query.
    meta = Membership._meta
    table, user_column, organisation_column = (connection.ops.quote_name(name) for name in (
        meta.db_table, meta.get_field("user").column, meta.get_field("organisation").column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {organisation_column} FROM {table} WHERE {user_column} = %s",  # noqa: S608 (our names)
                       [user.pk])
        return frozenset(row[0] for row in cursor.fetchall())


def acts_on(user: User | AnonymousUser, organisation_id: int, member_of: Collection[int]) -> bool:
    """Whether ``user`` may take any step of a listing of ``organisation_id``. Only the seller's
    members and operators may: every action of ``LISTING`` admits no one else (its ``who``) or is
    taken by the exchange itself, so everyone else's actions are none (the listings' tests hold
    the table to this)."""
    return bool(user.is_authenticated) and (bool(getattr(user, "is_operator", False))
                                            or organisation_id in member_of)


def allowed_actions_of(user: User, listings: Collection[Listing], member_of: Collection[int]) -> dict[int, list[str]]:
    """``LISTING.allowed_actions`` of each listing, with the memberships read once for all of
    them instead of once per listing (the table's ``sellers_members`` guard remembers its answer
    under "member")."""
    answers: dict[int, list[str]] = {}
    # Whether a deal or a lot holds each listing, asked once for all of them (``workflow.not_held``
    # remembers its answer under "hold"); only a held one is asked again, for its reason.
    held = held_among([listing.pk for listing in listings])
    for listing in listings:
        hold = hold_refusal(listing) if listing.pk in held else None
        attempt = Attempt(subject=listing, actor=user,
                          memo={"member": listing.organisation_id in member_of, "hold": hold})
        answers[listing.pk] = [name for name in LISTING.actions
                               if LISTING.refusal(listing, name, user, attempt=attempt) is None]
    return answers
