"""Health of the task queue, read from the journal (``Task``): is background work being done?

Tasks run on commit in the workers; when no worker takes them (none started, all stopped,
the queue store unreachable) nothing says so to users — notifications, index updates and
rankings just stop. The lag of the oldest due task is the measure: a worker keeps it near
zero. A few indexed queries, whatever the size of the journal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.core.health import Check, Status
from ipx.tasks.models import Task

S = Task.Status
WAITING = (S.QUEUED, S.RETRYING)
FAILURE_WINDOW = timedelta(hours=24)
# The last finished task is looked for among the latest rows by id (the status-id index):
# tasks finish roughly in the order they were queued, and a maximum over the whole journal
# would scan it.
RECENT_FINISHED = 100


def _seconds(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def oldest_due(now: datetime) -> datetime | None:
    """Since when the longest-waiting due task has been due: queued (``created_at``) or
    queued for a time or a retry (``run_after``, once it has passed)."""
    waiting = Task.objects.filter(status__in=WAITING)
    unscheduled = waiting.filter(run_after__isnull=True).aggregate(since=Min("created_at"))["since"]
    scheduled = waiting.filter(run_after__lte=now).aggregate(since=Min("run_after"))["since"]
    found = [since for since in (unscheduled, scheduled) if since is not None]
    return min(found) if found else None


def last_finished() -> datetime | None:
    ids = Task.objects.filter(status__in=(S.DONE, S.FAILED)).order_by("-id").values_list("pk", flat=True)
    last: datetime | None = (Task.objects.filter(pk__in=list(ids[:RECENT_FINISHED]))
                             .aggregate(last=Max("finished_at"))["last"])
    return last


def tasks_check(*, now: datetime | None = None) -> Check:
    now = now or timezone.now()
    degraded_after = float(settings.IPX_TASKS_LAG_DEGRADED_SECONDS)
    failing_after = float(settings.IPX_TASKS_LAG_FAILING_SECONDS)
    stale_limit = now - timedelta(seconds=settings.IPX_TASKS_STALE_SECONDS)

    queued = Task.objects.filter(status__in=WAITING).count()
    since = oldest_due(now)
    lag = _seconds(now - since) if since is not None else 0
    failed = Task.objects.filter(status=S.FAILED, finished_at__gte=now - FAILURE_WINDOW).count()
    stale = Task.objects.filter(status=S.RUNNING).filter(
        Q(heartbeat_at__lt=stale_limit) | Q(heartbeat_at__isnull=True)).count()
    finished = last_finished()
    facts = {
        "queued": queued, "lag_seconds": lag, "failed_24h": failed, "stale_running": stale,
        "seconds_since_last_finished": _seconds(now - finished) if finished is not None else None,
        "lag_degraded_seconds": int(degraded_after), "lag_failing_seconds": int(failing_after),
    }

    status: Status = "ok"
    details: list[str] = []
    remedies: list[str] = []
    if lag > failing_after:
        status = "failing"
        details.append(_("The oldest due task has waited %(lag)d seconds: no worker seems to take tasks.")
                       % {"lag": lag})
        remedies.append(_("Start ipx worker (ipx serve runs one beside the web server on a single machine) and "
                          "check that it reaches the queue store."))
    elif lag > degraded_after:
        status = "degraded"
        details.append(_("The oldest due task has waited %(lag)d seconds: the workers are behind.") % {"lag": lag})
        remedies.append(_("Check that the workers run and are not overloaded; start more with ipx worker."))
    if failed:
        status = "failing" if status == "failing" else "degraded"
        details.append(_("%(n)d tasks failed in the last 24 hours.") % {"n": failed})
        remedies.append(_("Read their errors in the back office (Tasks), fix the cause and run them again."))
    if stale:
        status = "failing" if status == "failing" else "degraded"
        details.append(_("%(n)d running tasks have a worker that stopped answering.") % {"n": stale})
        remedies.append(_("They are queued again by a running worker's maintenance; restart the stopped worker."))
    if not details:
        details.append(_("%(n)d tasks waiting; the oldest due one has waited %(lag)d seconds.")
                       % {"n": queued, "lag": lag})
    return Check("tasks", status, " ".join(details), remedy=" ".join(remedies), facts=facts)
