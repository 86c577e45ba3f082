from __future__ import annotations

from django.db.models import QuerySet

from ipx.accounts.models import User
from ipx.notifications.models import Notification


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user).select_related("user")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
