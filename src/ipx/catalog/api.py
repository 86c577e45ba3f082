"""The catalog in the API: IP assets and the IPC / Nice reference tables."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Self

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.accounts.selectors import access_organisation
from ipx.catalog import reference, selectors, services
from ipx.catalog.cleaning import MAX_IPC_CODES, MAX_TEXT, parse_asset
from ipx.catalog.inputs import AssetValues
from ipx.catalog.models import Asset, IpcCode, NiceClass
from ipx.catalog.schemas import (
    ASSET_KIND,
    PAST_DAY,
    PATENT_NUMBER,
    REGISTERED_TYPES,
    REGISTRATION_NUMBER,
    IpcSymbol,
    check_details_as_given,
)
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import Day, InputSchema, array, choice, pattern, rule, stated, text, whole
from ipx.core.errors import ValidationFailed
from ipx.core.validation import FieldErrors

router = Router(tags=["catalog"])



class AssetFields(InputSchema):
    """An asset's details; a field left out keeps its value on a change. Which fields an IP type
    needs is in each field's ``x-rule``."""

    title: Annotated[str | None, Field(max_length=300), stated(text(300))] = None
    title_en: Annotated[str | None, Field(max_length=300), stated(text(300, required=False), null=True)] = None
    abstract: Annotated[str | None, Field(max_length=MAX_TEXT), stated(text(MAX_TEXT, required=False),
                                                                       null=True)] = None
    legal_status: Annotated[str | None, stated(choice(Asset.LegalStatus), null=True)] = None
    owners: Annotated[list[str] | None, Field(max_length=30), stated(array(
        text(200, required=False), max_items=30), null=True)] = None
    # patents
    office: Annotated[str | None, Field(max_length=2), stated(pattern(r"^[A-Za-z]{2}$"), null=True)] = Field(
        None, description="the patent office, e.g. CN, US, EP; CN when left out")
    kind: Annotated[str | None, stated(ASSET_KIND, null=True)] = None
    application_number: Annotated[str | None, Field(max_length=40), stated(PATENT_NUMBER, null=True)] = None
    publication_number: Annotated[str | None, Field(max_length=40), stated(PATENT_NUMBER, null=True)] = None
    grant_number: Annotated[str | None, Field(max_length=40), stated(PATENT_NUMBER, null=True)] = None
    filing_date: Day | None = Field(None, json_schema_extra=rule(PAST_DAY))
    publication_date: Day | None = Field(None, json_schema_extra=rule(PAST_DAY))
    grant_date: Day | None = Field(None, json_schema_extra=rule(PAST_DAY))
    ipc_main: IpcSymbol | None = None
    ipc_codes: list[IpcSymbol] | None = Field(None, max_length=MAX_IPC_CODES)
    inventors: Annotated[str | None, Field(max_length=2000), stated(text(2000, required=False), null=True)] = None
    claims: Annotated[str | None, Field(max_length=MAX_TEXT), stated(text(MAX_TEXT, required=False),
                                                                     null=True)] = None
    # trademarks
    registration_number: Annotated[str | None, Field(max_length=40), stated(REGISTRATION_NUMBER, null=True)] = None
    nice_classes: Annotated[list[int] | None, Field(max_length=45), stated(array(
        whole(1, 45), max_items=45, rule="At least one for a trademark."), null=True)] = None
    goods_services: Annotated[str | None, Field(max_length=10_000), stated(text(10_000, required=False),
                                                                          null=True)] = None
    registration_date: Day | None = Field(None, json_schema_extra=rule(PAST_DAY))
    renewed_until: Day | None = Field(None, json_schema_extra=rule("From 1900."))
    # copyrights
    work_category: Annotated[str | None, Field(max_length=60), stated(text(60, required=False), null=True)] = None
    version: Annotated[str | None, Field(max_length=30), stated(text(30, required=False), null=True)] = None
    completion_date: Day | None = Field(None, json_schema_extra=rule(PAST_DAY))
    # GI products
    protected_region: Annotated[str | None, Field(max_length=200), stated(text(
        200, required=False, rule="Required for a GI product."), null=True)] = None
    producer: Annotated[str | None, Field(max_length=200), stated(text(
        200, required=False, rule="Required for a GI product."), null=True)] = None
    category: Annotated[str | None, Field(max_length=100), stated(text(100, required=False), null=True)] = None
    approval_number: Annotated[str | None, Field(max_length=60), stated(text(60, required=False), null=True)] = None
    approval_date: Day | None = Field(None, json_schema_extra=rule(PAST_DAY))

    @model_validator(mode="after")
    def _details_as_given(self) -> Self:
        errors = FieldErrors()
        check_details_as_given(self, getattr(self, "ip_type", None), errors)
        errors.raise_if_any()
        return self


class AssetIn(AssetFields):
    organisation_id: Id
    ip_type: Annotated[str, stated(choice(REGISTERED_TYPES))]
    title: Annotated[str | None, Field(max_length=300), stated(text(300))]


class PatentOut(Schema):
    office: str
    kind: str
    application_number: str | None
    publication_number: str | None
    grant_number: str | None
    filing_date: date | None
    publication_date: date | None
    grant_date: date | None
    ipc_main: str
    ipc_codes: list[str]
    inventors: str
    claims: str


class TrademarkOut(Schema):
    registration_number: str
    nice_classes: list[int]
    goods_services: str
    registration_date: date | None
    renewed_until: date | None


class CopyrightOut(Schema):
    kind: str
    registration_number: str
    work_category: str
    version: str
    completion_date: date | None
    registration_date: date | None


class GIProductOut(Schema):
    protected_region: str
    producer: str
    category: str
    approval_number: str
    approval_date: date | None


class AssetOut(Schema):
    id: int
    ip_type: str
    holder_id: int
    holder_name: str
    title: str
    title_en: str
    abstract: str
    legal_status: str
    effective_status: str
    expiry_date: date | None
    identifier: str
    register_url: str
    owners: list[str]
    patent: PatentOut | None = None
    trademark: TrademarkOut | None = None
    copyright: CopyrightOut | None = None
    gi_product: GIProductOut | None = None

    @staticmethod
    def resolve_holder_name(obj: Asset) -> str:
        return obj.holder.name

    @staticmethod
    def resolve_register_url(obj: Asset) -> str:
        detail = obj.detail
        return getattr(detail, "register_url", "") if detail is not None else ""

    @staticmethod
    def resolve_owners(obj: Asset) -> list[str]:
        return [owner.name for owner in obj.owners.all()]

    @staticmethod
    def resolve_patent(obj: Asset) -> Any:
        return obj.detail if obj.ip_type == Asset.Type.PATENT else None

    @staticmethod
    def resolve_trademark(obj: Asset) -> Any:
        return obj.detail if obj.ip_type == Asset.Type.TRADEMARK else None

    @staticmethod
    def resolve_copyright(obj: Asset) -> Any:
        return obj.detail if obj.ip_type == Asset.Type.COPYRIGHT else None

    @staticmethod
    def resolve_gi_product(obj: Asset) -> Any:
        return obj.detail if obj.ip_type == Asset.Type.GI else None


class IpcOut(Schema):
    code: str
    level: str
    parent: str
    title_zh: str
    title_zh_hant: str
    title_en: str


class IpcDetailOut(IpcOut):
    children: list[IpcOut]


class NiceOut(Schema):
    number: int
    kind: str
    heading_zh: str
    heading_zh_hant: str
    note_en: str


def _values(payload: AssetFields) -> AssetValues:
    """The fields the body gives (a PATCH leaves the others as they are)."""
    return AssetValues.read(payload.dict(exclude_unset=True, exclude={"organisation_id", "ip_type"}))


@router.post("/assets", response={201: AssetOut, **ERRORS}, auth=user_auth, summary="Register an IP asset")
def register_asset(request: HttpRequest, payload: AssetIn) -> Status[Any]:
    user = api_user(request)
    asset = services.asset_register(organisation_id=payload.organisation_id, actor=user,
                                    asset=parse_asset(payload.ip_type, _values(payload)))
    return Status(201, selectors.asset_visible(user, asset.pk))


@router.get("/assets/{asset_id}", response={200: AssetOut, **ERRORS}, auth=optional_auth,
            summary="An IP asset")
def asset_detail(request: HttpRequest, asset_id: Id) -> Asset:
    return selectors.asset_visible(request.user, asset_id)


@router.patch("/assets/{asset_id}", response={200: AssetOut, **ERRORS}, auth=user_auth,
              summary="Change an asset's details")
def asset_update(request: HttpRequest, asset_id: Id, payload: AssetFields) -> Asset:
    user = api_user(request)
    services.asset_update(asset_id=asset_id, actor=user, changes=_values(payload))
    return selectors.asset_visible(user, asset_id)


@router.delete("/assets/{asset_id}", response={204: None, **ERRORS}, auth=user_auth,
               summary="Delete an asset that is in no listing")
def asset_delete(request: HttpRequest, asset_id: Id) -> Status[Any]:
    services.asset_delete(asset_id=asset_id, actor=api_user(request))
    return Status(204, None)


@router.get("/organisations/{organisation_id}/assets", response={200: Page[AssetOut], **ERRORS},
            auth=user_auth, summary="An organisation's assets (its members)")
def organisation_assets(request: HttpRequest, organisation_id: Id,
                        ip_type: Annotated[str, stated(choice(("", *Asset.Type.values)))] = "", q: str = "",
                        page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    access_organisation(api_user(request), organisation_id)
    if ip_type and ip_type not in Asset.Type.values:
        raise ValidationFailed.for_field("ip_type", _("Unknown IP type."))
    assets = selectors.assets_of_organisation(organisation_id, ip_type=ip_type or None, text=q[:100])
    return page_of(assets.prefetch_related("owners"), page, size)


@router.get("/ipc", response={200: list[IpcOut], **ERRORS}, auth=optional_auth,
            summary="Find IPC entries by code or title")
def ipc_find(request: HttpRequest, q: Annotated[str, Field(max_length=100), stated(text(100))]) -> list[IpcCode]:
    if not q.strip() or "\x00" in q:
        raise ValidationFailed.for_field("q", _("Give a code (e.g. H04L) or words from a title."))
    return list(reference.ipc_search(q))


@router.get("/ipc/{path:code}", response={200: IpcDetailOut, **ERRORS}, auth=optional_auth,
            summary="An IPC entry and its children")
def ipc_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    entry = reference.ipc_entry(code[:30].replace("\x00", ""))
    return {**IpcOut.from_orm(entry).dict(), "children": list(reference.ipc_children(entry.code))}


@router.get("/nice-classes", response={200: list[NiceOut], **ERRORS}, auth=optional_auth,
            summary="The 45 Nice classes")
def nice_list(request: HttpRequest) -> list[NiceClass]:
    return list(reference.nice_classes())
