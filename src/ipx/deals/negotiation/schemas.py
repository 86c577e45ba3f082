"""What the negotiation API reads and answers: threads, messages, offers.

Threads and offers carry ``allowed_actions``: what the asking user may do with them now, from
the same tables (``workflow``) the services follow.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, model_validator

from ipx.core.api.schemas import Id, StoredFileOut
from ipx.core.api.types import Amount, InputSchema, Moment, Percent, choice, rule, stated, text, whole
from ipx.core.money import Currency
from ipx.core.validation import FieldErrors, clean_choice, clean_text
from ipx.deals.access import Role
from ipx.deals.models import (
    Attachment,
    Commitment,
    Deal,
    DealKind,
    Message,
    MilestoneCondition,
    Offer,
    OfferEvent,
    PaymentStructure,
    Thread,
    ThreadAgent,
)
from ipx.deals.negotiation.terms import MAX_MILESTONES, MAX_NOTES, OfferTerms
from ipx.deals.negotiation.workflow import OFFER, THREAD
from ipx.deals.timeline import offer_event_text
from ipx.listings.models import Exclusivity
from ipx.listings.schemas import check_terms_as_given
from ipx.listings.terms import MAX_LICENCE_TEXT, MAX_TERM_MONTHS, MAX_TRIAL_MONTHS


def _user(context: dict[str, Any] | None) -> Any:
    request: HttpRequest | None = context.get("request") if context else None
    return getattr(request, "user", None)


class ThreadView:
    """A thread as the asking user stands in it (for ``ThreadDetailOut``); every other field
    is the thread's own."""

    def __init__(self, thread: Thread, role: Role, agents: list[ThreadAgent]) -> None:
        self.thread = thread
        self.my_side = role.side
        self.acting_for_id = role.organisation.pk if role.organisation else None
        self.is_agent = role.is_agent
        self.agents = agents

    def __getattr__(self, name: str) -> Any:
        return getattr(self.thread, name)


# --- Threads and messages -----------------------------------------------------------------------

class ThreadOut(Schema):
    id: int
    listing_id: int
    listing_title: str
    buyer_id: int
    buyer_name: str
    seller_id: int
    seller_name: str
    subject: str
    status: str
    created_at: datetime
    last_activity_at: datetime
    allowed_actions: list[str] = Field(description="What you may do here now: post, offer, add_agent, "
                                                   "remove_agent, close")

    @staticmethod
    def resolve_listing_title(obj: Thread) -> str:
        return obj.listing.title

    @staticmethod
    def resolve_buyer_name(obj: Thread) -> str:
        return obj.buyer.name

    @staticmethod
    def resolve_seller_name(obj: Thread) -> str:
        return obj.seller.name

    @staticmethod
    def resolve_allowed_actions(obj: Thread | ThreadView, context: dict[str, Any]) -> list[str]:
        thread = obj.thread if isinstance(obj, ThreadView) else obj
        return THREAD.allowed_actions(thread, _user(context))


class AgentOut(Schema):
    organisation_id: int
    organisation_name: str
    side: str
    added_at: datetime

    @staticmethod
    def resolve_organisation_name(obj: ThreadAgent) -> str:
        return obj.organisation.name


class ThreadDetailOut(ThreadOut):
    my_side: str = Field(description="buyer, seller, or empty for an operator")
    acting_for_id: int | None = Field(description="the organisation you act for here")
    is_agent: bool
    agents: list[AgentOut]


class ThreadOpenIn(InputSchema):
    listing_id: Id
    organisation_id: Id = Field(description="your organisation, the buyer")
    message: Annotated[str, Field(max_length=10_000), stated(text(10_000))]


class AgentIn(InputSchema):
    organisation_id: Id = Field(description="an IP service agency", json_schema_extra=rule(
        "A verified IP service agency, not yet acting in the negotiation."))


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=2000)


class MessageOut(Schema):
    id: int
    thread_id: int
    author_name: str
    organisation_id: int | None
    organisation_name: str
    body: str
    created_at: datetime
    attachments: list[StoredFileOut]

    @staticmethod
    def resolve_author_name(obj: Message) -> str:
        return obj.author.full_name

    @staticmethod
    def resolve_organisation_name(obj: Message) -> str:
        return obj.organisation.name if obj.organisation else _("The exchange operator")

    @staticmethod
    def resolve_attachments(obj: Message) -> list[Attachment]:
        return list(obj.attachments.all())


# --- Offers --------------------------------------------------------------------------------------

class MilestoneIn(InputSchema):
    title: Annotated[str | None, Field(max_length=200), stated(text(200))]
    amount: Amount
    condition: Annotated[str | None, Field(max_length=20), stated(choice(MilestoneCondition))]


class OfferIn(InputSchema):
    """An offer's terms. Licence terms belong to a licence, the trial to use first pay later,
    the royalty to a royalty and milestones to milestones; what one field needs of another is
    in its ``x-rule``."""

    kind: Annotated[str, Field(max_length=20), stated(choice(DealKind))]
    commitment: Annotated[str, Field(max_length=20), stated(choice(Commitment))] = "concluded"
    price_amount: Amount
    currency: Annotated[str | None, Field(max_length=3), stated(choice(Currency, rule="The listing's currency."),
                                                                null=True)] = Field(
        None, description="the listing's currency when left out")
    payment_structure: Annotated[str, Field(max_length=20), stated(choice(PaymentStructure))] = "lump_sum"
    royalty_percent: Percent | None = Field(None, json_schema_extra=rule("Required for a royalty."))
    milestones: Annotated[list[MilestoneIn] | None, Field(max_length=MAX_MILESTONES)] = Field(
        None, json_schema_extra=rule("For milestones: 1 to 10, their amounts adding up to price_amount."))
    licence_exclusivity: Annotated[str | None, Field(max_length=20), stated(
        choice(("", *Exclusivity.values), rule="Required for a licence."), null=True)] = None
    licence_territory: Annotated[str | None, Field(max_length=MAX_LICENCE_TEXT), stated(
        text(MAX_LICENCE_TEXT, required=False), null=True)] = None
    licence_field: Annotated[str | None, Field(max_length=MAX_LICENCE_TEXT), stated(
        text(MAX_LICENCE_TEXT, required=False), null=True)] = None
    licence_term_months: Annotated[int | None, stated(whole(1, MAX_TERM_MONTHS, rule="Required for a licence."),
                                                      null=True)] = None
    trial_months: Annotated[int | None, stated(whole(1, MAX_TRIAL_MONTHS, rule="Required for use first, pay later."),
                                               null=True)] = None
    notes: Annotated[str | None, Field(max_length=MAX_NOTES), stated(text(MAX_NOTES, required=False),
                                                                     null=True)] = None
    expires_at: Moment | None = Field(None, description="14 days ahead when left out", json_schema_extra=rule(
        "In the future, at most 90 days ahead."))

    @model_validator(mode="after")
    def _terms_within_their_limits(self) -> Self:
        # The terms' parser reads licence, trial and milestones only for their kind of offer;
        # what the document states of them holds for every offer, in the parser's words.
        errors = FieldErrors()
        check_terms_as_given(exclusivity=self.licence_exclusivity, term_months=self.licence_term_months,
                             trial_months=self.trial_months, errors=errors)
        for index, milestone in enumerate(self.milestones or [], start=1):
            clean_text(milestone.title, field=f"milestones.{index}.title", errors=errors, max_length=200,
                       label=_("Milestone %(n)d") % {"n": index})
            clean_choice(milestone.condition, MilestoneCondition, field=f"milestones.{index}.condition",
                         errors=errors)
        errors.raise_if_any()
        return self

    def offer_terms(self, *, listing_currency: str) -> OfferTerms:
        """The terms, checked for an offer on a listing in ``listing_currency``."""
        return OfferTerms.parse(self.dict(exclude_none=True), listing_currency=listing_currency)


class OfferMilestoneOut(Schema):
    position: int
    title: str
    amount: Decimal
    condition: str


class OfferEventOut(Schema):
    verb: str = Field(description="The step: make, withdraw, reject, counter, accept or expire; empty on "
                                  "events recorded before steps were named.")
    from_status: str
    to_status: str
    actor_name: str
    description: str = Field(description="What the exchange recorded (the negotiation closed, the offer "
                                         "expired), in the request's language; empty when nothing.")
    note: str = Field(description="The reason a person gave; on events recorded before `description` existed, "
                                  "the exchange's own text.")
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj: OfferEvent) -> str:
        return obj.actor.full_name if obj.actor else ""

    @staticmethod
    def resolve_description(obj: OfferEvent) -> str:
        return offer_event_text(obj)


class OfferOut(Schema):
    id: int
    thread_id: int
    from_organisation_id: int
    from_organisation_name: str
    to_organisation_id: int
    to_organisation_name: str
    counter_to_id: int | None
    status: str
    kind: str
    commitment: str
    price_amount: Decimal
    currency: str
    payment_structure: str
    royalty_percent: Decimal | None
    milestones: list[OfferMilestoneOut]
    licence_exclusivity: str
    licence_territory: str
    licence_field: str
    licence_term_months: int | None
    trial_months: int | None
    notes: str
    expires_at: datetime
    created_at: datetime
    deal_id: int | None
    events: list[OfferEventOut]
    allowed_actions: list[str] = Field(description="What you may do with the offer now: withdraw, reject, "
                                                   "counter, accept")

    @staticmethod
    def resolve_from_organisation_name(obj: Offer) -> str:
        return obj.from_organisation.name

    @staticmethod
    def resolve_to_organisation_name(obj: Offer) -> str:
        return obj.to_organisation.name

    @staticmethod
    def resolve_milestones(obj: Offer) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_events(obj: Offer) -> list[Any]:
        return list(obj.events.all())

    @staticmethod
    def resolve_deal_id(obj: Offer) -> int | None:
        return Deal.objects.filter(offer_id=obj.pk).values_list("pk", flat=True).first()

    @staticmethod
    def resolve_allowed_actions(obj: Offer, context: dict[str, Any]) -> list[str]:
        return OFFER.allowed_actions(obj, _user(context))
