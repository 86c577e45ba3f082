from __future__ import annotations

from django.db.models import Count, QuerySet

from ipx.accounts.models import User
from ipx.core.prepared import PreparedQuery
from ipx.notifications.models import Notification


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user).select_related("user")
    return rows.filter(read_at__isnull=True) if unread_only else rows


# Counted for the top bar of every signed-in page: compiled once (ipx.core.prepared).
_UNREAD = PreparedQuery(lambda p: Notification.objects.filter(user_id=p.int("user"), read_at__isnull=True).order_by(
).values("user_id").annotate(unread=Count("pk")).values_list("unread"))


def unread_count(user: User) -> int:
    found = _UNREAD.rows(user=user.pk)  # no row when there is nothing unread
    return int(found[0][0]) if found else 0
