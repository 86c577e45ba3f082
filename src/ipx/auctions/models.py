"""Auction sessions, their lots, the bidders registered for a session, the deposits they froze
for a lot, and the bids: every accepted bid is a row with the lot's next sequence number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipx.accounts.models import Organisation, User
from ipx.core.money import AMOUNT_FIELD_OPTIONS, Currency
from ipx.core.workflow import StatusEvent
from ipx.listings.models import Listing

PERCENT_OPTIONS: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


class AuctionSession(models.Model):
    """An auction held on a day: lots, registered bidders, one currency."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SCHEDULED = "scheduled", _("Announced")
        LIVE = "live", _("Live")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    starts_at = models.DateTimeField(_("starts"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("auction session")
        verbose_name_plural = _("auction sessions")

    def __str__(self) -> str:
        return self.title


class SessionEvent(StatusEvent):
    session = models.ForeignKey(AuctionSession, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass


class Lot(models.Model):
    """One listing offered in a session. The price, leader and sequence move with each bid
    under the lot's row lock; ``closes_at`` moves with soft-close extensions up to ``hard_end``."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open for bids")
        PAUSED = "paused", _("Paused")
        SOLD = "sold", _("Sold")
        UNSOLD = "unsold", _("Unsold")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class OfferKind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        LICENCE = "licence", _("Licence")

    session = models.ForeignKey(AuctionSession, on_delete=models.PROTECT, related_name="lots",
                                verbose_name=_("session"))
    number = models.PositiveSmallIntegerField(_("lot number"))
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="auction_lots",
                                verbose_name=_("listing"))
    offer_kind = models.CharField(_("offered as"), max_length=8, choices=OfferKind.choices)
    starting_price = models.DecimalField(_("starting price"), **AMOUNT_FIELD_OPTIONS)
    # Never shown to bidders: only whether it is met.
    reserve_price = models.DecimalField(_("reserve price"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    increments = models.JSONField(_("increment table"), default=list)
    deposit = models.DecimalField(_("deposit"), **AMOUNT_FIELD_OPTIONS)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    # The close as scheduled, without the soft-close extensions bids made: set when the lot is
    # added and moved only by the operator (extend, resume). The replay check starts from it.
    scheduled_close = models.DateTimeField(_("scheduled close"), null=True, blank=True)
    hard_end = models.DateTimeField(_("closes at the latest"))
    soft_close_minutes = models.PositiveSmallIntegerField(_("soft-close window (minutes)"), default=5)
    buyer_premium_percent = models.DecimalField(_("buyer's premium (%)"), default=Decimal(0), **PERCENT_OPTIONS)
    seller_commission_percent = models.DecimalField(_("seller's commission (%)"), default=Decimal(0),
                                                    **PERCENT_OPTIONS)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # The state the bidding rules move (ipx.auctions.rules.LotState), kept on the row.
    price = models.DecimalField(_("current price"), null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    leader = models.ForeignKey("Registration", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("leading bidder"))
    leader_max = models.DecimalField(null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    last_seq = models.PositiveIntegerField(_("bids"), default=0)
    # When a pause began: resuming moves the close by the time the lot was paused.
    paused_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["session", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="lot_session_number")]

    def __str__(self) -> str:
        return f"{self.session} #{self.number}"


class LotEvent(StatusEvent):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass


class Registration(models.Model):
    """An organisation asking to bid in a session; admitted bidders get a paddle number, the
    only name other bidders ever see."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Awaiting admission")
        ADMITTED = "admitted", _("Admitted")
        REFUSED = "refused", _("Refused")

    session = models.ForeignKey(AuctionSession, on_delete=models.PROTECT, related_name="registrations",
                                verbose_name=_("session"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="auction_registrations",
                                     verbose_name=_("bidder"))
    bidder_number = models.PositiveSmallIntegerField(_("bidder number"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.APPLIED)
    applied_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        ordering = ["session", "bidder_number", "id"]
        verbose_name = _("bidder registration")
        verbose_name_plural = _("bidder registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "organisation"], name="registration_session_organisation"),
            models.UniqueConstraint(fields=["session", "bidder_number"], name="registration_session_number"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.bidder_number or '—'}"


class RegistrationEvent(StatusEvent):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass


class Deposit(models.Model):
    """A bidder's deposit for one lot, held in the ledger's escrow under ``reference`` from
    before its first bid until the lot closes (released, or applied to the winner's price)."""

    class Status(models.TextChoices):
        # Words of their own: the ledger's "held" and "released" mean money in escrow and paid out.
        HELD = "held", pgettext_lazy("auction deposit", "Held")
        RELEASED = "released", pgettext_lazy("auction deposit", "Released")
        APPLIED = "applied", _("Applied to the price")
        FORFEITED = "forfeited", _("Forfeited")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="deposits")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="deposits")
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.HELD)
    held_at = models.DateTimeField(_("held"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        ordering = ["lot", "id"]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        constraints = [models.UniqueConstraint(fields=["lot", "registration"], name="deposit_lot_registration")]

    def __str__(self) -> str:
        return f"{self.lot} · {self.amount}"

    @property
    def reference(self) -> str:
        return f"auction-lot:{self.lot_id}"


class Bid(models.Model):
    """An accepted bid: the price it set, in the lot's total order (``seq``, dense from 1).
    A proxy's automatic bids are rows too; a bidder's maximum is kept on the lot, never here."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    seq = models.PositiveIntegerField(_("sequence"))
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="bids")
    amount = models.DecimalField(_("amount"), **AMOUNT_FIELD_OPTIONS)
    automatic = models.BooleanField(_("placed by the proxy"), default=False)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    placed_at = models.DateTimeField(_("placed"))

    class Meta:
        ordering = ["lot", "seq"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [models.UniqueConstraint(fields=["lot", "seq"], name="bid_lot_seq")]

    def __str__(self) -> str:
        return f"{self.lot} #{self.seq} {self.amount}"


class BidReceipt(models.Model):
    """What a bid request with an Idempotency-Key was answered: a retry gets the same answer;
    the same key with another amount is refused."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="receipts")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="receipts")
    key = models.CharField(max_length=100)
    amount = models.DecimalField(**AMOUNT_FIELD_OPTIONS)
    maximum = models.DecimalField(null=True, blank=True, **AMOUNT_FIELD_OPTIONS)
    # The sequence numbers of the rows it placed (none when it only raised a maximum).
    first_seq = models.PositiveIntegerField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(null=True, blank=True)
    # The time the rules were given for this attempt, so that the replay check can run it again.
    at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "key"], name="receipt_registration_key")]

    def __str__(self) -> str:
        return self.key


class Settlement(models.Model):
    """What follows a sale: the winner (or, after a forfeit, the runner-up it was offered to)
    pays the hammer price and the buyer's premium through the deal the sale became, by a
    deadline; an unpaid winner forfeits its deposit."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered to the runner-up")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FORFEITED = "forfeited", _("Deposit forfeited")
        DECLINED = "declined", _("Declined")
        LAPSED = "lapsed", _("Offer lapsed")
        # The sale could not go on through no fault of the buyer: nothing forfeited.
        CANCELLED = "cancelled", _("Cancelled, deposit returned")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="settlements")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="settlements",
                                     verbose_name=_("buyer"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # The hammer price (the runner-up's own last bid when the lot is offered to it).
    price = models.DecimalField(_("price"), **AMOUNT_FIELD_OPTIONS)
    premium = models.DecimalField(_("buyer's premium"), **AMOUNT_FIELD_OPTIONS)
    deposit_applied = models.DecimalField(_("deposit applied"), default=Decimal(0), **AMOUNT_FIELD_OPTIONS)
    deal = models.OneToOneField("deals.Deal", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="auction_settlement", verbose_name=_("deal"))
    # Pay by (awaiting payment) or answer by (offered).
    due_at = models.DateTimeField(_("due"))
    premium_paid_at = models.DateTimeField(_("premium paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["lot", "id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.lot} · {self.get_status_display()}"

    @property
    def premium_reference(self) -> str:
        return f"auction-premium:{self.pk}"


class SettlementEvent(StatusEvent):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        pass
