"""Negotiation (threads, messages, offers) and the deals that accepted offers become.

Inquiry → private thread between the buyer's and the seller's organisation (their agents
and the operator may join) → offers and counter-offers with expiry → an accepted offer
becomes a Deal: an intended agreement (意向) or a concluded contract (成交), signed by both
sides, funded into escrow milestone by milestone, and completed once the recordal with the
official register is checked by the operator.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.core.files import RandomPrivateName, StoredFile, stored_file_path
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency, Money
from ipx.core.workflow import StatusEvent
from ipx.deals.disputes import Dispute as Dispute  # its own module (a concept apart), one of the app's models
from ipx.listings.models import Exclusivity, Listing


class Thread(models.Model):
    """A private negotiation about one listing between one buyer and its seller."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="threads",
                                verbose_name=_("listing"))
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="threads_as_buyer",
                              verbose_name=_("buyer"))
    seller = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="threads_as_seller",
                               verbose_name=_("seller"))
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("negotiation thread")
        verbose_name_plural = _("negotiation threads")
        constraints = [models.UniqueConstraint(fields=["listing", "buyer"], name="thread_listing_buyer")]

    def __str__(self) -> str:
        return self.subject


class ThreadEvent(StatusEvent):
    """A thread opened or closed, by whom."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.verb}"


class ThreadAgent(models.Model):
    """An IP service agency acting for one side of a thread; its members see the thread."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("For the buyer")
        SELLER = "seller", _("For the seller")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="agents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agencies",
                                     verbose_name=_("agency"))
    side = models.CharField(_("acting"), max_length=6, choices=Side.choices)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        constraints = [models.UniqueConstraint(fields=["thread", "organisation"], name="thread_agent_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.side})"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The organisation the author wrote for; empty when an operator wrote.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.pk}"


# The name migration 0001 gives the function that places these files.
attachment_path = stored_file_path


class Attachment(StoredFile):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    storage_kind = "attachments"


class DealKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer (assignment)")
    LICENCE = "licence", _("Licence")
    USE_FIRST = "use_first", _("Use first, pay later")


class PaymentStructure(models.TextChoices):
    LUMP_SUM = "lump_sum", _("Lump sum")
    ROYALTY = "royalty", _("Running royalty")
    MILESTONES = "milestones", _("Milestones")


class Commitment(models.TextChoices):
    INTENDED = "intended", _("Intended agreement (意向)")
    CONCLUDED = "concluded", _("Concluded contract (成交)")


class Terms(models.Model):
    """The terms an offer proposes and a deal keeps; copied, never shared, so a deal's terms
    cannot change when anything else does."""

    kind = models.CharField(_("kind"), max_length=10, choices=DealKind.choices)
    commitment = models.CharField(_("commitment"), max_length=10, choices=Commitment.choices,
                                  default=Commitment.CONCLUDED)
    price_amount = models.DecimalField(_("price"), **AMOUNT_FIELD_OPTIONS)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    payment_structure = models.CharField(_("payment"), max_length=10, choices=PaymentStructure.choices,
                                         default=PaymentStructure.LUMP_SUM)
    royalty_percent = models.DecimalField(_("running royalty (%)"), max_digits=5, decimal_places=2,
                                          null=True, blank=True)
    licence_exclusivity = models.CharField(_("licence exclusivity"), max_length=14,
                                           choices=Exclusivity.choices, blank=True)
    licence_territory = models.CharField(_("licence territory"), max_length=200, blank=True)
    licence_field = models.CharField(_("field of use"), max_length=200, blank=True)
    licence_term_months = models.PositiveSmallIntegerField(_("licence term (months)"), null=True, blank=True)
    trial_months = models.PositiveSmallIntegerField(_("free trial (months)"), null=True, blank=True)
    notes = models.TextField(_("other terms"), blank=True)

    class Meta:
        abstract = True

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)


class Offer(Terms):
    class Status(models.TextChoices):
        # Contexts: these words mean other things elsewhere (a withdrawn listing, a rejected
        # registration), and translations differ by sense.
        OPEN = "open", pgettext_lazy("offer status", "Open")
        WITHDRAWN = "withdrawn", pgettext_lazy("offer status", "Withdrawn")
        REJECTED = "rejected", pgettext_lazy("offer status", "Rejected")
        COUNTERED = "countered", pgettext_lazy("offer status", "Countered")
        ACCEPTED = "accepted", pgettext_lazy("offer status", "Accepted")
        EXPIRED = "expired", pgettext_lazy("offer status", "Expired")

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="offers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                          verbose_name=pgettext_lazy("offer party", "from"))
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=pgettext_lazy("offer party", "to"))
    counter_to = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="countered_by", verbose_name=_("counter to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField(_("open until"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.pk} {self.price}"


class OfferAsset(models.Model):
    """The IP rights an offer was made on, as its listing held them then: the deal made from
    the offer takes exactly these, and the offer cannot be accepted once the listing's differ."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="offer_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["offer", "asset"], name="offer_asset_unique")]

    def __str__(self) -> str:
        return f"{self.offer_id} ∋ {self.asset_id}"


class MilestoneCondition(models.TextChoices):
    ON_SIGNING = "on_signing", _("Released once both sides have signed")
    ON_RECORDAL = "on_recordal", _("Released once the recordal is checked")


class OfferMilestone(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("milestone"), max_length=200)
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    condition = models.CharField(_("released when"), max_length=12, choices=MilestoneCondition.choices)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["offer", "position"], name="offer_milestone_position")]

    def __str__(self) -> str:
        return self.title


class OfferEvent(StatusEvent):
    # What a person wrote (a reason) is in ``note``; what the system records goes in
    # ``params`` and is put into words when shown, in the reader's language (see
    # ``ipx.deals.timeline``). Rows from before ``params`` keep their text in ``note``.
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.from_status or '—'} → {self.to_status}"


class Deal(Terms):
    class Status(models.TextChoices):
        AWAITING_SIGNATURES = "awaiting_signatures", pgettext_lazy("deal status", "Awaiting signatures")
        SIGNED = "signed", pgettext_lazy("deal status", "Signed")
        RECORDAL_SUBMITTED = "recordal_submitted", pgettext_lazy("deal status", "Recordal submitted")
        COMPLETED = "completed", pgettext_lazy("deal status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("deal status", "Cancelled")

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="deal")
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="deals")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="deals")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deals_as_buyer",
                              verbose_name=_("buyer"))
    seller = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deals_as_seller",
                               verbose_name=_("seller"))
    assets: models.ManyToManyField[Asset, DealAsset] = models.ManyToManyField(
        Asset, through="DealAsset", related_name="deals")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.AWAITING_SIGNATURES)
    # Platform fee on each release, in percent of the amount released; fixed when the deal is made.
    fee_percent = models.DecimalField(_("platform fee (%)"), max_digits=5, decimal_places=2)
    contract_language = models.CharField(_("contract language"), max_length=10)
    contract_pdf = models.FileField(_("contract"), upload_to=RandomPrivateName("contracts"), max_length=200,
                                    blank=True)
    contract_sha256 = models.CharField(max_length=64, blank=True)
    recordal_number = models.CharField(_("recordal number"), max_length=40, blank=True)
    recordal_submitted_at = models.DateTimeField(null=True, blank=True)
    recordal_checked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    recordal_checked_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # A sale concluded elsewhere on the exchange (a lot knocked down at auction): the winning bid
    # bound both sides, so neither may cancel the deal alone; an operator may.
    bound_by_sale = models.BooleanField(_("bound by a sale"), default=False)
    created_at = models.DateTimeField(_("agreed"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [models.Index(fields=["status", "commitment"], name="deal_status_commitment")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.price}"

    @property
    def ledger_reference(self) -> str:
        return f"deal:{self.pk}"


class DealAsset(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="deal_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deal", "asset"], name="deal_asset_unique")]

    def __str__(self) -> str:
        return f"{self.deal_id} ∋ {self.asset_id}"


class DealMilestone(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting funds")
        FUNDED = "funded", _("Held in escrow")
        RELEASED = "released", _("Released")
        REFUNDED = "refunded", _("Refunded")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("milestone"), max_length=200)
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    condition = models.CharField(_("released when"), max_length=12, choices=MilestoneCondition.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Partial releases: what has gone to the seller (before the fee) and back to the buyer so far.
    released_amount = models.DecimalField(_("released"), default=0, **AMOUNT_FIELD_OPTIONS)
    refunded_amount = models.DecimalField(_("refunded"), default=0, **AMOUNT_FIELD_OPTIONS)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["deal", "position"], name="deal_milestone_position")]

    def __str__(self) -> str:
        return self.title

    @property
    def ledger_reference(self) -> str:
        return f"deal:{self.deal_id}:m{self.position}"


class DealSignature(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    contract_sha256 = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["deal", "organisation"], name="deal_signature_once")]

    def __str__(self) -> str:
        return f"{self.deal_id}/{self.organisation_id}"


class DealEvent(StatusEvent):
    """Every step of a deal: status changes, signatures, funding, releases, refunds.

    What a person wrote (a reason, an operator's note) is in ``note``; what the system records
    (amounts, milestone, offer, signer) goes in ``params`` and is put into words when shown, in
    the reader's language (see ``ipx.deals.timeline``). Rows from before ``params`` keep their
    text in ``note``.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.verb}"
