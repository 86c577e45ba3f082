"""Tell people what happened: an in-app notification per member, and the same by e-mail.

Callers pass the title and body as callables so each recipient reads them in their own
language; mail goes out only after the surrounding transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from ipx.accounts.models import Organisation, User
from ipx.core.mail import mail_on_commit
from ipx.notifications.models import Notification


def _recipients(organisations: Iterable[Organisation], users: Iterable[User],
                exclude: User | None) -> list[tuple[User, Organisation | None]]:
    seen: set[int] = set()
    result: list[tuple[User, Organisation | None]] = []
    for organisation in organisations:
        members = User.objects.filter(memberships__organisation=organisation, is_active=True).order_by("pk")
        for user in members:
            if user.pk not in seen:
                seen.add(user.pk)
                result.append((user, organisation))
    for user in users:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            result.append((user, None))
    return [(user, organisation) for user, organisation in result if exclude is None or user.pk != exclude.pk]


@transaction.atomic
def notify(*, verb: str, title: Callable[[], str], body: Callable[[], str], url: str = "",
           organisations: Iterable[Organisation] = (), users: Iterable[User] = (),
           exclude: User | None = None) -> list[Notification]:
    """Notify every active member of ``organisations`` and each of ``users`` (once each),
    except ``exclude`` (usually whoever caused it)."""
    recipients = _recipients(organisations, users, exclude)
    rows = []
    for user, organisation in recipients:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            rows.append(Notification(user=user, organisation=organisation, verb=verb, title=title()[:200],
                                     body=body(), url=url))
    Notification.objects.bulk_create(rows)
    site = settings.IPX_SITE_URL.rstrip("/")
    mail_on_commit([user for user, _ in recipients], title,
                   lambda: f"{body()}\n\n{site}{url}" if url else body())
    return rows


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when no ids are given); returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
