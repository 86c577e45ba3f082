"""Technology demands in the API: the board, drafts, moderation and closing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, model_validator

from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.accounts.models import User
from ipx.accounts.regions import Province, RegionKind
from ipx.accounts.schemas import COUNTRY_RULE, check_region_as_given
from ipx.catalog.schemas import IpcSymbol
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import Amount, Day, InputSchema, any_case, choice, pattern, rule, stated, text
from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.core.money import Currency
from ipx.core.validation import FieldErrors
from ipx.matching.demands import selectors, services
from ipx.matching.demands.inputs import MAX_DESCRIPTION, MAX_IPC_CODES, MAX_TITLE, DemandChanges, DemandInput
from ipx.matching.demands.workflow import DEMAND
from ipx.matching.models import ANY_REGION, Demand

router = Router()
DESCRIBED = "At least 20 characters besides white space, in words of Chinese or English."
NAMED = "At least one letter or digit."


class DemandFields(InputSchema):
    """A demand's fields; on a change, a field left out keeps its value and null empties an
    optional one. What one field needs of another is in its ``x-rule``."""

    title: Annotated[str | None, stated(text(MAX_TITLE, rule=NAMED))] = None
    description: Annotated[str | None, stated(text(MAX_DESCRIPTION, rule=DESCRIBED))] = None
    ipc_codes: list[IpcSymbol] | None = Field(None, max_length=MAX_IPC_CODES,
                                              description="IPC codes, e.g. H01M or G06F16/33")
    budget_min_amount: Amount | None = Field(None, json_schema_extra=rule(
        "With a budget_currency; not above budget_max_amount."))
    budget_max_amount: Amount | None = Field(None, json_schema_extra=rule(
        "With a budget_currency; not below budget_min_amount."))
    budget_currency: Annotated[str | None, stated(any_case(Currency.values), null=True)] = Field(
        None, description="Needed with any budget amount, e.g. CNY", json_schema_extra=rule(
            "Needed with a budget amount, and an amount with it."))
    region_kind: Annotated[str | None, stated(choice((ANY_REGION, *RegionKind.values)), null=True)] = Field(
        None, description="any, mainland, hk, mo, tw or overseas")
    province: Annotated[str | None, stated(choice(("", *Province.values), rule="For a mainland region only."),
                                           null=True)] = Field(
        None, description="GB/T 2260 code of a mainland province, e.g. 44")
    country: Annotated[str | None, stated(pattern(r"^([A-Za-z]{2})?$", rule="Needed for an overseas region. "
                                                  + COUNTRY_RULE), null=True)] = Field(
        None, description="ISO 3166 code of an overseas country, e.g. DE")
    deadline: Day | None = Field(None, json_schema_extra=rule("After today, at most two years ahead."))
    visibility: Annotated[str | None, stated(choice(Demand.Visibility), null=True)] = Field(
        None, description="public, or anonymous (the organisation is not shown)")

    @model_validator(mode="after")
    def _region_as_given(self) -> Self:
        errors = FieldErrors()
        check_region_as_given(
            province=self.province, country=self.country, errors=errors,
            province_message=_("Choose a mainland province, or none for the whole mainland."),
            country_message=_("Choose the country (ISO code such as DE)."))
        errors.raise_if_any()
        return self


class DemandIn(DemandFields):
    organisation_id: Id
    title: Annotated[str | None, stated(text(MAX_TITLE, rule=NAMED))]
    description: Annotated[str | None, stated(text(MAX_DESCRIPTION, rule=DESCRIBED))]
    deadline: Day | None = Field(json_schema_extra=rule("After today, at most two years ahead."))


class DemandOut(Schema):
    id: int
    status: str
    title: str
    description: str
    language: str
    ipc_codes: list[str]
    budget_min_amount: Decimal | None
    budget_max_amount: Decimal | None
    budget_currency: str
    region_kind: str
    province: str
    country: str
    region: str = Field(description="CN-44, CN, HK, MO, TW, a country code, or empty for any region")
    deadline: date
    visibility: str
    organisation_id: int | None = Field(description="null when the demand is anonymous to the reader")
    organisation_name: str | None
    review_note: str = Field(description="the operator's note; only for the poster's members and operators")
    close_note: str
    solved: bool
    submitted_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[str] = Field(description="what the reader may do with the demand now: submit, recall, "
                                                   "approve, reject, edit, close")


class NoteIn(InputSchema):
    note: str = Field("", max_length=2000)


class RejectionIn(InputSchema):
    reason: Annotated[str, Field(max_length=2000), stated(text(2000))]


class CloseIn(InputSchema):
    note: str = Field("", max_length=2000)
    solved: bool = Field(False, description="the need was met (e.g. a solution was found)")


class BoardParams(Schema):
    q: str = Field("", max_length=200, description="Words in the title or description (简体, 繁體 or English)")
    ipc_section: Annotated[str, Field(max_length=1), stated(any_case("ABCDEFGH"))] = ""
    region: Annotated[str, Field(max_length=10), stated(pattern(
        r"^(|any|CN(-[0-9]{2})?|[A-Z]{2})$", rule="CN-<code> names a mainland province; two letters are CN, HK, MO, "
        "TW or a country. " + COUNTRY_RULE))] = Field("", description="any, CN, CN-44, HK, MO, TW or a country code")
    currency: Annotated[str, Field(max_length=3), stated(any_case(Currency.values))] = Field(
        "", description="Budget currency")
    page: PageNumber = 1
    size: PageSize = 20


def demand_out(demand: Demand, user: selectors.Reader, organisation_ids: set[int]) -> dict[str, Any]:
    shown = selectors.shows_organisation(user, demand, organisation_ids)
    insider = isinstance(user, User) and (user.is_operator or demand.organisation_id in organisation_ids)
    return {
        "id": demand.pk, "status": demand.status, "title": demand.title, "description": demand.description,
        "language": demand.language, "ipc_codes": demand.ipc_codes,
        "budget_min_amount": demand.budget_min_amount, "budget_max_amount": demand.budget_max_amount,
        "budget_currency": demand.budget_currency, "region_kind": demand.region_kind,
        "province": demand.province, "country": demand.country, "region": demand.region_code,
        "deadline": demand.deadline, "visibility": demand.visibility,
        "organisation_id": demand.organisation_id if shown else None,
        "organisation_name": demand.organisation.name if shown else None,
        "review_note": demand.review_note if insider else "",
        "close_note": demand.close_note, "solved": demand.solved,
        "submitted_at": demand.submitted_at if insider else None,
        "published_at": demand.published_at, "closed_at": demand.closed_at,
        "allowed_actions": DEMAND.allowed_actions(demand, user),
    }


def _read(request: HttpRequest, demand_id: int) -> dict[str, Any]:
    user = selectors.reader_of(request)
    demand = selectors.demand_visible(user, demand_id)
    return demand_out(demand, user, selectors.member_organisation_ids(user))


def _page(request: HttpRequest, demands: QuerySet[Demand], page: object, size: object) -> dict[str, Any]:
    user = selectors.reader_of(request)
    ids = selectors.member_organisation_ids(user)
    return page_of(demands, page, size, item=lambda demand: demand_out(demand, user, ids))


@router.get("/demands", response={200: Page[DemandOut], **ERRORS}, auth=optional_auth,
            summary="The demand board: published demands, newest first")
def demand_board(request: HttpRequest, params: Query[BoardParams]) -> dict[str, Any]:
    filters = selectors.parse_board_filters(params.dict())
    return _page(request, selectors.published_demands(filters), params.page, params.size)


ALL_MY_ORGANISATIONS = Query(None, description="one of my organisations; all of them when left out")


@router.get("/demands/mine", response={200: Page[DemandOut], **ERRORS}, auth=user_auth,
            summary="Demands of my organisations (every status)")
def my_demands(request: HttpRequest, organisation_id: Id = ALL_MY_ORGANISATIONS,
               status: Annotated[str, stated(choice(("", *Demand.Status.values)))] = "", page: PageNumber = 1,
               size: PageSize = 20) -> dict[str, Any]:
    user = api_user(request)
    if status and status not in Demand.Status.values:
        raise ValidationFailed.for_field("status", _("Unknown status."))
    organisation_ids = selectors.member_organisation_ids(user)
    if organisation_id is not None:
        if organisation_id not in organisation_ids:
            raise PermissionDenied(_("You are not a member of this organisation."))
        organisation_ids = {organisation_id}
    return _page(request, selectors.demands_of_organisations(organisation_ids, status=status or None), page, size)


@router.get("/demands/review-queue", response={200: Page[DemandOut], **ERRORS}, auth=user_auth,
            summary="Demands awaiting review (operators)")
def review_queue(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    # Who may review, with the moderation's own words for whoever else asks.
    DEMAND.admit("approve", None, api_user(request))
    return _page(request, selectors.demands_awaiting_review(), page, size)


@router.get("/demands/{demand_id}", response={200: DemandOut, **ERRORS}, auth=optional_auth, summary="A demand")
def demand_detail(request: HttpRequest, demand_id: Id) -> dict[str, Any]:
    return _read(request, demand_id)


@router.post("/demands", response={201: DemandOut, **ERRORS}, auth=user_auth,
             summary="Create a draft demand for one of my organisations")
def create_demand(request: HttpRequest, payload: DemandIn) -> Status[Any]:
    demand = DemandInput.parse(payload.dict(exclude_unset=True, exclude={"organisation_id"}))
    created = services.demand_create(organisation_id=payload.organisation_id, actor=api_user(request), demand=demand)
    return Status(201, _read(request, created.pk))


@router.patch("/demands/{demand_id}", response={200: DemandOut, **ERRORS}, auth=user_auth,
              summary="Edit a draft or a published demand (it stays published)")
def update_demand(request: HttpRequest, demand_id: Id, payload: DemandFields) -> dict[str, Any]:
    # Only the fields the body gives change; null clears an optional one.
    changes = DemandChanges.parse(payload.dict(exclude_unset=True))
    services.demand_update(demand_id=demand_id, actor=api_user(request), changes=changes)
    return _read(request, demand_id)


@router.post("/demands/{demand_id}/submit", response={200: DemandOut, **ERRORS}, auth=user_auth,
             summary="Submit a draft for the operator's review")
def submit_demand(request: HttpRequest, demand_id: Id) -> dict[str, Any]:
    services.demand_submit(demand_id=demand_id, actor=api_user(request))
    return _read(request, demand_id)


@router.post("/demands/{demand_id}/recall", response={200: DemandOut, **ERRORS}, auth=user_auth,
             summary="Take a demand awaiting review back to draft")
def recall_demand(request: HttpRequest, demand_id: Id) -> dict[str, Any]:
    services.demand_recall(demand_id=demand_id, actor=api_user(request))
    return _read(request, demand_id)


@router.post("/demands/{demand_id}/approve", response={200: DemandOut, **ERRORS}, auth=user_auth,
             summary="Publish a demand after review (operators)")
def approve_demand(request: HttpRequest, demand_id: Id, payload: NoteIn) -> dict[str, Any]:
    services.demand_approve(demand_id=demand_id, operator=api_user(request), note=payload.note)
    return _read(request, demand_id)


@router.post("/demands/{demand_id}/reject", response={200: DemandOut, **ERRORS}, auth=user_auth,
             summary="Send a demand back to the poster with a note (operators)")
def reject_demand(request: HttpRequest, demand_id: Id, payload: RejectionIn) -> dict[str, Any]:
    services.demand_reject(demand_id=demand_id, operator=api_user(request), reason=payload.reason)
    return _read(request, demand_id)


@router.post("/demands/{demand_id}/close", response={200: DemandOut, **ERRORS}, auth=user_auth,
             summary="Close a demand (the poster), e.g. because a solution was found")
def close_demand(request: HttpRequest, demand_id: Id, payload: CloseIn) -> dict[str, Any]:
    services.demand_close(demand_id=demand_id, actor=api_user(request), note=payload.note, solved=payload.solved)
    return _read(request, demand_id)
