"""A party's request to cancel a deal both sides have signed.

Once signed, the seller may already have recorded the transfer with the register, so no
party may take the escrow back alone: a binding member of either party asks for the
cancellation with a reason, which opens a dispute; money held is not released while it is
open; an operator decides it, with a note: the deal is cancelled (held money refunded to the
buyer, as any cancelling does) or the request is rejected and the deal goes on. Every step is
in the deal's history (``DealEvent``); the steps are the ``DISPUTE`` table in
``ipx.deals.contracts.workflow``.

The model lives in a module of its own and is one of the app's models through
``ipx.deals.models``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipx.accounts.models import Organisation, User


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dispute status", "Awaiting the operator's decision")
        CANCELLED = "cancelled", pgettext_lazy("dispute status", "Deal cancelled")
        REJECTED = "rejected", pgettext_lazy("dispute status", "Request rejected")

    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="disputes")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason for cancelling"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("operator's decision"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        # One open request per deal: a second one would wait for the same decision.
        constraints = [models.UniqueConstraint(fields=["deal"], condition=models.Q(status="open"),
                                               name="dispute_one_open_per_deal")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.status}"
