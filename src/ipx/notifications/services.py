"""Tell people what happened: an in-app notification per member, and the same by e-mail.

Callers pass a verb and params; the words come from the verb's ``Wording`` (each app's
``notices.py``) when the notification is read or its mail is written after commit, in each
recipient's language. Nothing is translated inside the caller's (often locked) transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.mail import mail_on_commit
from ipx.core.notices import render
from ipx.notifications.live import publish_unread
from ipx.notifications.mail import notice_html
from ipx.notifications.models import Notification


def _recipients(organisations: Iterable[Organisation], users: Iterable[User],
                exclude: User | None) -> list[tuple[User, Organisation | None]]:
    seen: set[int] = set()
    result: list[tuple[User, Organisation | None]] = []
    named = list(organisations)
    # One query for the members of every organisation, taken in the order the caller named them.
    members: dict[int, list[User]] = {organisation.pk: [] for organisation in named}
    for member in (User.objects.filter(memberships__organisation__in=list(members), is_active=True)
                   .annotate(member_of=F("memberships__organisation")).order_by("pk")):
        members[member.member_of].append(member)
    for organisation in named:
        for user in members[organisation.pk]:
            if user.pk not in seen:
                seen.add(user.pk)
                result.append((user, organisation))
    for user in users:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            result.append((user, None))
    return [(user, organisation) for user, organisation in result if exclude is None or user.pk != exclude.pk]


@transaction.atomic
def notify(*, verb: str, params: Mapping[str, Any] | None = None, url: str = "",
           organisations: Iterable[Organisation] = (), users: Iterable[User] = (),
           exclude: User | None = None) -> list[Notification]:
    """Notify every active member of ``organisations`` and each of ``users`` (once each),
    except ``exclude`` (usually whoever caused it). ``verb`` must have a registered wording."""
    stored = dict(params or {})
    render(verb, stored)  # a missing wording or param fails here, in the caller's tests, not in a mail
    recipients = _recipients(organisations, users, exclude)
    rows = [Notification(user=user, organisation=organisation, verb=verb, params=stored, url=url)
            for user, organisation in recipients]
    Notification.objects.bulk_create(rows)
    publish_unread(user.pk for user, _org in recipients)
    site = settings.IPX_SITE_URL.rstrip("/")

    def body() -> str:
        text = render(verb, stored)[1]
        return f"{text}\n\n{site}{url}" if url else text

    mail_on_commit([user for user, _org in recipients], lambda: render(verb, stored)[0], body,
                   lambda: notice_html(verb, stored, f"{site}{url}" if url else ""))
    return rows


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when no ids are given); returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        publish_unread([user.pk])
    return changed


def on_notice_requested(*, verb: str, params: Mapping[str, Any], url: str, user_ids: Iterable[int],
                        organisation_ids: Iterable[int]) -> None:
    """A notice a lower app asked for (``core.notices.notify_after_commit``), after its commit."""
    notify(verb=verb, params=params, url=url, users=User.objects.filter(pk__in=list(user_ids)).order_by("pk"),
           organisations=Organisation.objects.filter(pk__in=list(organisation_ids)).order_by("pk"))
