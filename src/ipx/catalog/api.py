"""The catalog in the API: IP assets and the IPC / Nice reference tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.accounts.selectors import access_organisation
from ipx.catalog import reference, selectors, services
from ipx.catalog.cleaning import parse_asset
from ipx.catalog.inputs import AssetValues
from ipx.catalog.models import Asset, IpcCode, NiceClass
from ipx.core.api.schemas import ERRORS, Id, Page, page_of
from ipx.core.errors import ValidationFailed

router = Router(tags=["catalog"])

Text = Field(None, max_length=100_000)


class AssetFields(Schema):
    title: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    abstract: str | None = Text
    legal_status: str | None = None
    owners: list[str] | None = Field(None, max_length=30)
    # patents
    office: str | None = Field(None, max_length=2)
    kind: str | None = None
    application_number: str | None = Field(None, max_length=40)
    publication_number: str | None = Field(None, max_length=40)
    grant_number: str | None = Field(None, max_length=40)
    filing_date: date | None = None
    publication_date: date | None = None
    grant_date: date | None = None
    ipc_main: str | None = Field(None, max_length=20)
    ipc_codes: list[str] | None = Field(None, max_length=50)
    inventors: str | None = Field(None, max_length=2000)
    claims: str | None = Text
    # trademarks
    registration_number: str | None = Field(None, max_length=40)
    nice_classes: list[int] | None = Field(None, max_length=45)
    goods_services: str | None = Field(None, max_length=10_000)
    registration_date: date | None = None
    renewed_until: date | None = None
    # copyrights
    work_category: str | None = Field(None, max_length=60)
    version: str | None = Field(None, max_length=30)
    completion_date: date | None = None
    # GI products
    protected_region: str | None = Field(None, max_length=200)
    producer: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=100)
    approval_number: str | None = Field(None, max_length=60)
    approval_date: date | None = None


class AssetIn(AssetFields):
    organisation_id: Id
    ip_type: str


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
def organisation_assets(request: HttpRequest, organisation_id: Id, ip_type: str = "", q: str = "",
                        page: int = 1, size: int = 20) -> dict[str, Any]:
    access_organisation(api_user(request), organisation_id)
    if ip_type and ip_type not in Asset.Type.values:
        raise ValidationFailed.for_field("ip_type", _("Unknown IP type."))
    assets = selectors.assets_of_organisation(organisation_id, ip_type=ip_type or None, text=q[:100])
    return page_of(assets.prefetch_related("owners"), page, size)


@router.get("/ipc", response={200: list[IpcOut], **ERRORS}, auth=optional_auth,
            summary="Find IPC entries by code or title")
def ipc_find(request: HttpRequest, q: str = Query("", max_length=100)) -> list[IpcCode]:
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
