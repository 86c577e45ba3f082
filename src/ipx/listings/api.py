"""Listings in the API: drafts, the review workflow, and reading what is on the market; the
listing's documents and non-disclosure agreement are in ``documents_api``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.accounts.selectors import is_member
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import Amount, Day, InputSchema, Percent, array, choice, rule, stated, text, whole
from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.core.money import Currency
from ipx.core.validation import FieldErrors
from ipx.listings import selectors, services
from ipx.listings.documents_api import router as documents_router
from ipx.listings.inputs import (
    MAX_ASSETS,
    MAX_DESCRIPTION_LENGTH,
    MAX_NDA_LENGTH,
    MAX_TITLE_LENGTH,
    ListingChanges,
    ListingInput,
)
from ipx.listings.models import Exclusivity, Listing, ListingEvent, OfferKind, PriceType
from ipx.listings.notices import describe
from ipx.listings.schemas import check_terms_as_given
from ipx.listings.shared import SharedAnswers, acts_on, member_organisation_ids
from ipx.listings.terms import MAX_LICENCE_TEXT, MAX_TERM_MONTHS, MAX_TRIAL_MONTHS
from ipx.listings.workflow import LISTING

router = Router(tags=["listings"])
# A listing's documents and its non-disclosure agreement, under the same /listings/{id} paths.
router.add_router("", documents_router)

ALLOWED_ACTIONS = Field(
    description="What the requesting user may do now, from the listing's workflow: edit, delete, submit, "
                "recall, approve, reject, withdraw, reopen (each a POST to /listings/{id}/<action>; edit is "
                "PATCH and delete DELETE /listings/{id})",
)


def allowed_actions(listing: Listing, context: Mapping[str, Any] | None) -> list[str]:
    """The workflow actions the user of the request being answered may take on ``listing``."""
    request = (context or {}).get("request")
    return LISTING.allowed_actions(listing, getattr(request, "user", None))


LICENCE = "Required when offer_kinds include licence."
USE_FIRST = "When offer_kinds include use_first: "
ASSET_IDS = array({"type": "integer", "minimum": 1, "maximum": 2**53}, min_items=1, max_items=MAX_ASSETS,
                  unique=True, rule="Assets of the listing's organisation; they cannot change while an offer on "
                                    "the listing is open (409).")


class ListingFields(InputSchema):
    """A listing's terms; on a change, a field left out keeps its value. The limits of amounts,
    months and percentages are the listing's terms (``ipx.listings.terms``), checked with the
    same words the pages use; what one field needs of another is in its ``x-rule``."""

    title: Annotated[str | None, Field(max_length=MAX_TITLE_LENGTH), stated(text(MAX_TITLE_LENGTH))] = None
    description: Annotated[str | None, Field(max_length=MAX_DESCRIPTION_LENGTH), stated(
        text(MAX_DESCRIPTION_LENGTH, required=False), null=True)] = None
    offer_kinds: Annotated[list[str] | None, Field(max_length=5), stated(array(
        choice(OfferKind), min_items=1, max_items=5))] = None
    licence_exclusivity: Annotated[str | None, stated(choice(("", *Exclusivity.values), rule=LICENCE),
                                                      null=True)] = None
    licence_territory: Annotated[str | None, Field(max_length=MAX_LICENCE_TEXT), stated(
        text(MAX_LICENCE_TEXT, required=False), null=True)] = None
    licence_field: Annotated[str | None, Field(max_length=MAX_LICENCE_TEXT), stated(
        text(MAX_LICENCE_TEXT, required=False), null=True)] = None
    licence_term_months: Annotated[int | None, stated(whole(1, MAX_TERM_MONTHS), null=True)] = Field(
        None, description="empty leaves it to negotiation")
    trial_months: Annotated[int | None, stated(whole(1, MAX_TRIAL_MONTHS, rule=USE_FIRST + "required."),
                                               null=True)] = Field(None, description="use first, pay later")
    after_trial_fee_amount: Amount | None = Field(None, description="in the listing's currency",
                                                  json_schema_extra=rule(USE_FIRST + "a fee, a royalty or both."))
    after_trial_royalty_percent: Percent | None = None
    price_type: Annotated[str | None, stated(choice(PriceType), null=True)] = Field(
        None, description="negotiable when none is given")
    price_amount: Amount | None = Field(None, description="the price, or the lowest of a range",
                                        json_schema_extra=rule("Required for a fixed price or a range."))
    price_max_amount: Amount | None = Field(None, description="the highest price of a range",
                                            json_schema_extra=rule("Required for a range, above price_amount."))
    currency: Annotated[str | None, Field(max_length=3), stated(choice(Currency), null=True)] = Field(
        None, description="CNY when none is given")
    expires_on: Day | None = Field(None, json_schema_extra=rule("After today, at most five years ahead."))
    asset_ids: Annotated[list[Id] | None, Field(max_length=MAX_ASSETS), stated(ASSET_IDS)] = None
    requires_nda: bool | None = Field(None, description="detailed documents are shown once members accept nda_text")
    nda_text: Annotated[str | None, Field(max_length=MAX_NDA_LENGTH), stated(text(
        MAX_NDA_LENGTH, required=False, rule="Required when requires_nda is true."), null=True)] = None

    @model_validator(mode="after")
    def _terms_within_their_limits(self) -> Self:
        errors = FieldErrors()
        check_terms_as_given(exclusivity=self.licence_exclusivity, term_months=self.licence_term_months,
                             trial_months=self.trial_months, errors=errors)
        # A form's empty choice means the default (negotiable, CNY); the API takes the values
        # its document lists, exactly, and null (or leaving the field out) for the default.
        for name, choices in (("price_type", PriceType), ("currency", Currency)):
            value = getattr(self, name)
            if value is not None and value not in choices.values:
                errors.add(name, _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                           % {"value": value, "allowed": ", ".join(choices.values)})
        errors.raise_if_any()
        return self


class ListingIn(ListingFields):
    organisation_id: Id
    offer_kinds: Annotated[list[str] | None, Field(max_length=5), stated(array(
        choice(OfferKind), min_items=1, max_items=5))]
    title: Annotated[str | None, Field(max_length=MAX_TITLE_LENGTH), stated(text(MAX_TITLE_LENGTH))]
    asset_ids: Annotated[list[Id] | None, Field(max_length=MAX_ASSETS), stated(ASSET_IDS)]


class ListingAssetOut(Schema):
    id: int
    ip_type: str
    title: str
    identifier: str


class ListingSummaryOut(Schema):
    """A listing in a list of results: enough to show it and decide to open it."""

    id: int
    organisation_id: int
    organisation_name: str
    region: str
    title: str
    offer_kinds: list[str]
    ip_types: list[str]
    price_type: str
    price_amount: Decimal | None
    price_max_amount: Decimal | None
    currency: str
    status: str
    published_at: datetime | None
    allowed_actions: list[str] = ALLOWED_ACTIONS

    @staticmethod
    def resolve_organisation_name(obj: Listing) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_region(obj: Listing) -> str:
        return obj.organisation.region_code

    @staticmethod
    def resolve_ip_types(obj: Listing) -> list[str]:
        return list(dict.fromkeys(link.asset.ip_type for link in obj.asset_links.all()))

    @staticmethod
    def resolve_allowed_actions(obj: Listing, context: Mapping[str, Any] | None) -> list[str]:
        return allowed_actions(obj, context)


class ListingOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    region: str
    title: str
    description: str
    offer_kinds: list[str]
    licence_exclusivity: str
    licence_territory: str
    licence_field: str
    licence_term_months: int | None
    trial_months: int | None
    after_trial_fee_amount: Decimal | None
    after_trial_royalty_percent: Decimal | None
    price_type: str
    price_amount: Decimal | None
    price_max_amount: Decimal | None
    currency: str
    status: str
    review_note: str
    published_at: datetime | None
    expires_on: date | None
    requires_nda: bool
    nda_text: str
    assets: list[ListingAssetOut]
    allowed_actions: list[str] = ALLOWED_ACTIONS

    @staticmethod
    def resolve_organisation_name(obj: Listing) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_region(obj: Listing) -> str:
        return obj.organisation.region_code

    @staticmethod
    def resolve_assets(obj: Listing) -> list[Any]:
        return [link.asset for link in obj.asset_links.all()]

    @staticmethod
    def resolve_allowed_actions(obj: Listing, context: Mapping[str, Any] | None) -> list[str]:
        return allowed_actions(obj, context)


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=2000)


class RejectionIn(InputSchema):
    reason: Annotated[str, Field(max_length=2000), stated(text(2000))]


class NoteIn(InputSchema):
    note: str = Field("", max_length=2000)


class ListingEventOut(Schema):
    """One step of a listing's history, put into words in the reader's language."""

    id: int
    verb: str = Field(description="the step: create, edit, submit, recall, approve, reject, withdraw, reopen, "
                                  "expire, reserve, release, sell (empty on rows older than verbs)")
    from_status: str
    to_status: str
    actor_name: str | None
    text: str = Field(description="what happened, with the note a person wrote")
    params: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj: ListingEvent) -> str | None:
        return obj.actor.full_name if obj.actor else None

    @staticmethod
    def resolve_text(obj: ListingEvent) -> str:
        return describe(obj)


def _read(request: HttpRequest, listing_id: int) -> Listing:
    return selectors.listing_visible(request.user, listing_id)


# A public listing's answer without actions: every reader's but the seller's side's (``shared``).
_PUBLIC_LISTINGS: SharedAnswers[ListingOut | None] = SharedAnswers(limit=5000)


def _public_listing_out(listing_id: int) -> ListingOut | None:
    listing = selectors.public_listing(listing_id)
    return None if listing is None else ListingOut.model_validate(listing)


@router.post("/listings", response={201: ListingOut, **ERRORS}, auth=user_auth, summary="Create a draft listing")
def create_listing(request: HttpRequest, payload: ListingIn) -> Status[Any]:
    data = ListingInput.parse(payload.dict(exclude_unset=True, exclude={"organisation_id"}))
    listing = services.listing_create(organisation_id=payload.organisation_id, actor=api_user(request), data=data)
    return Status(201, _read(request, listing.pk))


@router.get("/listings/review-queue", response={200: Page[ListingOut], **ERRORS}, auth=user_auth,
            summary="Listings awaiting review (operators)")
def review_queue(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    # Who may review, in the review's own words for whoever else asks.
    LISTING.admit("approve", None, api_user(request))
    return page_of(selectors.listings_awaiting_review(), page, size)


@router.get("/listings/{listing_id}", response={200: ListingOut, **ERRORS}, auth=optional_auth,
            summary="A listing")
def listing_detail(request: HttpRequest, listing_id: Id) -> Listing | ListingOut:
    shared = _PUBLIC_LISTINGS.get(listing_id, lambda: _public_listing_out(listing_id))
    if shared is not None and not acts_on(request.user, shared.organisation_id,
                                          member_organisation_ids(request.user)):
        return shared
    return _read(request, listing_id)


@router.get("/listings/{listing_id}/history", response={200: Page[ListingEventOut], **ERRORS}, auth=user_auth,
            summary="A listing's history, newest first (the seller's members and operators)")
def listing_history(request: HttpRequest, listing_id: Id, page: PageNumber = 1, size: PageSize = 20
                    ) -> dict[str, Any]:
    user = api_user(request)
    listing = selectors.listing_visible(user, listing_id)
    if not selectors.sees_history(user, listing):
        raise PermissionDenied(_("Only members of the seller and operators see a listing's history."))
    return page_of(selectors.listing_events(listing), page, size)


@router.patch("/listings/{listing_id}", response={200: ListingOut, **ERRORS}, auth=user_auth,
              summary="Edit a draft or a published listing",
              description="A change of a published listing's assets, offer kinds, price or terms sends it back "
                          "to review (status submitted); its title, description, end and non-disclosure terms "
                          "change without a review. The assets cannot change (409) while an offer on the "
                          "listing is open.")
def listing_update(request: HttpRequest, listing_id: Id, payload: ListingFields) -> Listing:
    changes = ListingChanges.parse(payload.dict(exclude_unset=True))
    services.listing_update(listing_id=listing_id, actor=api_user(request), changes=changes)
    return _read(request, listing_id)


@router.delete("/listings/{listing_id}", response={204: None, **ERRORS}, auth=user_auth,
               summary="Delete a draft that was never published")
def listing_delete(request: HttpRequest, listing_id: Id) -> Status[Any]:
    services.listing_delete(listing_id=listing_id, actor=api_user(request))
    return Status(204, None)


@router.post("/listings/{listing_id}/submit", response={200: ListingOut, **ERRORS}, auth=user_auth,
             summary="Submit a draft for the operator's review")
def listing_submit(request: HttpRequest, listing_id: Id) -> Listing:
    services.listing_submit(listing_id=listing_id, actor=api_user(request))
    return _read(request, listing_id)


@router.post("/listings/{listing_id}/recall", response={200: ListingOut, **ERRORS}, auth=user_auth,
             summary="Take a listing out of review, back to draft")
def listing_recall(request: HttpRequest, listing_id: Id, payload: ReasonIn) -> Listing:
    services.listing_recall(listing_id=listing_id, actor=api_user(request), reason=payload.reason)
    return _read(request, listing_id)


@router.post("/listings/{listing_id}/withdraw", response={200: ListingOut, **ERRORS}, auth=user_auth,
             summary="Take a listing off the market (or out of review)")
def listing_withdraw(request: HttpRequest, listing_id: Id, payload: ReasonIn) -> Listing:
    services.listing_withdraw(listing_id=listing_id, actor=api_user(request), reason=payload.reason)
    return _read(request, listing_id)


@router.post("/listings/{listing_id}/reopen", response={200: ListingOut, **ERRORS}, auth=user_auth,
             summary="Bring a withdrawn or expired listing back to draft")
def listing_reopen(request: HttpRequest, listing_id: Id) -> Listing:
    services.listing_reopen(listing_id=listing_id, actor=api_user(request))
    return _read(request, listing_id)


@router.post("/listings/{listing_id}/approve", response={200: ListingOut, **ERRORS}, auth=user_auth,
             summary="Publish a listing after review (operators)")
def listing_approve(request: HttpRequest, listing_id: Id, payload: NoteIn) -> Listing:
    services.listing_approve(listing_id=listing_id, operator=api_user(request), note=payload.note)
    return _read(request, listing_id)


@router.post("/listings/{listing_id}/reject", response={200: ListingOut, **ERRORS}, auth=user_auth,
             summary="Send a listing back to the seller with a note (operators)")
def listing_reject(request: HttpRequest, listing_id: Id, payload: RejectionIn) -> Listing:
    services.listing_reject(listing_id=listing_id, operator=api_user(request), reason=payload.reason)
    return _read(request, listing_id)


@router.get("/organisations/{organisation_id}/listings", response={200: Page[ListingOut], **ERRORS},
            auth=optional_auth, summary="An organisation's listings (published ones; all for its members)")
def organisation_listings(request: HttpRequest, organisation_id: Id,
                          status: Annotated[str, stated(choice(("", *Listing.Status.values)))] = "",
                          page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    if status and status not in Listing.Status.values:
        raise ValidationFailed.for_field("status", _("Unknown status."))
    user = request.user
    if user.is_authenticated and is_member(user, organisation_id):
        listings = selectors.listings_of_organisation(organisation_id, status=status or None)
    elif status and status != Listing.Status.PUBLISHED:
        raise PermissionDenied(_("Only members see an organisation's unpublished listings."))
    else:
        listings = selectors.published_listings_of(organisation_id)
    return page_of(listings, page, size)
