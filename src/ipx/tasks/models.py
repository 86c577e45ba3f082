from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    """The journal of background work: a row written in the caller's transaction (so a task
    queued is never lost, even while the queue store is down), handed to the queue engine once
    that transaction commits, and updated by each run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Retrying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("function"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # A periodic run's (name, slot): a second scheduler's enqueue of the same slot is a no-op.
    key = models.CharField(_("unique key"), max_length=240, unique=True, null=True, blank=True)
    run_after = models.DateTimeField(_("due"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    # When the row was (or is about to be) handed to the queue store; empty when that failed.
    pushed_at = models.DateTimeField(_("handed to the queue"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["status", "id"], name="task_status_id")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"
