"""The expo in the API: anyone reads editions, their halls, zones and schedule; operators add
editions, halls, zones and events, assign booths, enter a live stream's viewers and the
agreements signed at a ceremony, and save, delete or import records; members register their
organisation and show exhibits. Each write is one service, whose refusal is the usual error."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status, UploadedFile

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import form_rules
from ipx.core.errors import ValidationFailed
from ipx.expo import selectors
from ipx.expo.api_schemas import (
    ExpoBoothIn,
    ExpoEditionDetailOut,
    ExpoEditionIn,
    ExpoEditionOut,
    ExpoEventIn,
    ExpoEventOut,
    ExpoExhibitIn,
    ExpoExhibitorIn,
    ExpoExhibitorOut,
    ExpoExhibitOut,
    ExpoHallIn,
    ExpoHallOut,
    ExpoImportReportOut,
    ExpoRecordIn,
    ExpoRecordOut,
    ExpoSigningIn,
    ExpoViewersIn,
    ExpoZoneIn,
    ExpoZoneOut,
    Slug,
)
from ipx.expo.inputs import EditionInput, RecordInput, RowProblems, parse_record
from ipx.expo.models import Edition, Event, Exhibitor, ExpoRecord
from ipx.expo.services import editions, exhibition, records
from ipx.expo.services.exhibition import require_operator

router = Router(tags=["expo"])


def _edition_detail(edition: Edition) -> dict[str, Any]:
    return {**{name: getattr(edition, name) for name in ExpoEditionOut.model_fields},
            "halls": list(selectors.halls_of(edition)), "zones": list(selectors.zones_of(edition)),
            "exhibitors": asdict(selectors.exhibitor_counts(edition.pk)),
            "exhibits": selectors.exhibit_counts(edition.pk),
            "products": asdict(selectors.product_counts(edition.pk))}


def _event_out(event: Event) -> dict[str, Any]:
    return {**{name: getattr(event, name) for name in ("id", "kind", "title", "description", "starts_at",
                                                       "ends_at", "hall_id", "stream_url", "viewer_count")},
            "signings": [{"id": s.pk, "parties": s.party_list, "subject": s.subject, "ip_type": s.ip_type,
                          "amount": str(s.amount), "currency": s.currency, "fx_rate_to_cny": str(s.fx_rate_to_cny)}
                         for s in event.signings.all()]}


def _exhibitor_out(exhibitor: Exhibitor) -> dict[str, Any]:
    return {"id": exhibitor.pk, "edition_id": exhibitor.edition_id, "organisation_id": exhibitor.organisation_id,
            "organisation_name": exhibitor.organisation.name, "hall_id": exhibitor.hall_id, "booth": exhibitor.booth,
            "origin": exhibitor.origin, "country": exhibitor.country, "online": exhibitor.online,
            "on_site": exhibitor.on_site}


def _record_out(record: ExpoRecord) -> dict[str, Any]:
    return {"ref": record.ref, "edition": record.edition.slug, "date": record.date, "kind": record.kind,
            "ip_type": record.ip_type, "amount": str(record.amount), "currency": record.currency,
            "fx_rate_to_cny": str(record.fx_rate_to_cny.normalize()), "amount_cny": str(record.amount_cny),
            "items": record.items, "start_price": None if record.start_price is None else str(record.start_price),
            "sold": record.sold, "evidence": record.evidence}


# --- Editions ---------------------------------------------------------------------------------

@router.get("/expo/editions", response={200: list[ExpoEditionOut]}, summary="Every edition, latest first")
def edition_list(request: HttpRequest) -> list[Edition]:
    return list(selectors.editions()[:200])


@router.post("/expo/editions", response={201: ExpoEditionOut, **ERRORS}, auth=user_auth,
             summary="Add an edition (operators); dates may not overlap another edition's")
def edition_create(request: HttpRequest, payload: ExpoEditionIn) -> Status[Any]:
    require_operator(api_user(request))
    return Status(201, editions.edition_create(data=EditionInput(**payload.model_dump())))


@router.get("/expo/editions/{slug}", response={200: ExpoEditionDetailOut, **ERRORS},
            summary="An edition with its halls, zones, exhibitors by origin and exhibits by type")
def edition_detail(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    return _edition_detail(selectors.edition_by_slug(slug))


@router.post("/expo/editions/{slug}/halls", response={201: ExpoHallOut, **ERRORS}, auth=user_auth,
             summary="Add a hall (operators)")
def hall_create(request: HttpRequest, slug: Slug, payload: ExpoHallIn) -> Status[Any]:
    edition = selectors.edition_by_slug(slug)
    return Status(201, exhibition.hall_create(operator=api_user(request), edition_id=edition.pk,
                                              **payload.model_dump()))


@router.post("/expo/editions/{slug}/zones", response={201: ExpoZoneOut, **ERRORS}, auth=user_auth,
             summary="Add a special zone (operators)")
def zone_create(request: HttpRequest, slug: Slug, payload: ExpoZoneIn) -> Status[Any]:
    edition = selectors.edition_by_slug(slug)
    return Status(201, exhibition.zone_create(operator=api_user(request), edition_id=edition.pk,
                                              **payload.model_dump()))


@router.get("/expo/editions/{slug}/events", response={200: list[ExpoEventOut], **ERRORS},
            summary="The edition's schedule, with live streams' viewers and the agreements signed")
def event_list(request: HttpRequest, slug: Slug) -> list[dict[str, Any]]:
    return [_event_out(event) for event in selectors.schedule_of(selectors.edition_by_slug(slug))]


@router.post("/expo/editions/{slug}/events", response={201: ExpoEventOut, **ERRORS}, auth=user_auth,
             summary="Schedule a forum, roadshow, live stream or signing ceremony (operators)")
def event_create(request: HttpRequest, slug: Slug, payload: ExpoEventIn) -> Status[Any]:
    edition = selectors.edition_by_slug(slug)
    event = exhibition.event_create(operator=api_user(request), edition_id=edition.pk,
                                    data=exhibition.EventInput(**payload.model_dump()))
    return Status(201, _event_out(event))


@router.post("/expo/events/{event_id}/viewers", response={200: ExpoEventOut, **ERRORS}, auth=user_auth,
             summary="Enter a live stream's viewers once it has ended (operators)")
def viewers_record(request: HttpRequest, event_id: Id, payload: ExpoViewersIn) -> dict[str, Any]:
    return _event_out(exhibition.viewers_record(operator=api_user(request), event_id=event_id,
                                                viewers=payload.viewers))


@router.post("/expo/events/{event_id}/signings", response={201: ExpoEventOut, **ERRORS}, auth=user_auth,
             summary="Record an agreement signed at a ceremony (operators); it counts as an intended agreement")
def signing_add(request: HttpRequest, event_id: Id, payload: ExpoSigningIn) -> Status[Any]:
    signing = exhibition.signing_add(operator=api_user(request), event_id=event_id, data=exhibition.SigningInput(
        parties=tuple(payload.parties), subject=payload.subject, ip_type=payload.ip_type,
        amount=Decimal(payload.amount), currency=payload.currency, fx_rate_to_cny=Decimal(payload.fx_rate_to_cny)))
    return Status(201, _event_out(signing.event))


# --- Exhibitors and exhibits ----------------------------------------------------------------------

@router.post("/expo/editions/{slug}/exhibitors", response={201: ExpoExhibitorOut, **ERRORS}, auth=user_auth,
             summary="Register an organisation to exhibit (its members, or operators)")
def exhibitor_register(request: HttpRequest, slug: Slug, payload: ExpoExhibitorIn) -> Status[Any]:
    edition = selectors.edition_by_slug(slug)
    exhibitor = exhibition.exhibitor_register(actor=api_user(request), edition_id=edition.pk, **payload.model_dump())
    return Status(201, _exhibitor_out(exhibitor))


@router.post("/expo/exhibitors/{exhibitor_id}/booth", response={200: ExpoExhibitorOut, **ERRORS}, auth=user_auth,
             summary="Assign an exhibitor's hall and booth (operators)")
def booth_assign(request: HttpRequest, exhibitor_id: Id, payload: ExpoBoothIn) -> dict[str, Any]:
    return _exhibitor_out(exhibition.booth_assign(operator=api_user(request), exhibitor_id=exhibitor_id,
                                                  **payload.model_dump()))


@router.post("/expo/exhibitors/{exhibitor_id}/exhibits", response={201: ExpoExhibitOut, **ERRORS},
             auth=user_auth, summary="Show a right (a listing, a GI product) or a product embodying IP, "
                                     "with the rights it involves, in the booth or a zone (the exhibitor's members)")
def exhibit_add(request: HttpRequest, exhibitor_id: Id, payload: ExpoExhibitIn) -> Status[Any]:
    return Status(201, exhibition.exhibit_add(actor=api_user(request), exhibitor_id=exhibitor_id,
                                              **payload.model_dump()))


# --- Records (operators) ------------------------------------------------------------------------

@router.get("/expo/records", response={200: Page[ExpoRecordOut], **ERRORS}, auth=user_auth,
            summary="Records from outside the platform, of an edition or all (operators)")
def record_list(request: HttpRequest, edition: str = "", page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    require_operator(api_user(request))
    edition_id = selectors.edition_by_slug(edition).pk if edition else None
    rows = selectors.records(edition_id=edition_id).select_related("edition").order_by("date", "ref")
    return page_of(rows, page, size, _record_out)


@router.put("/expo/records/{ref}", response={200: ExpoRecordOut, **ERRORS}, auth=user_auth,
            summary="Create or update the record with this reference (operators)")
def record_save(request: HttpRequest, ref: str, payload: ExpoRecordIn) -> dict[str, Any]:
    actor = api_user(request)
    require_operator(actor)
    try:
        record: RecordInput = parse_record({"ref": ref, **payload.model_dump()})
    except RowProblems as exc:
        raise ValidationFailed(exc.problems[0][1], fields=dict(exc.problems)) from None
    return _record_out(records.record_save(record=record, actor=actor))


@router.delete("/expo/records/{ref}", response={204: None, **ERRORS}, auth=user_auth,
               summary="Delete a record (operators; a signing's record goes with its agreement)")
def record_delete(request: HttpRequest, ref: str) -> Status[None]:
    require_operator(api_user(request))
    records.record_delete(ref=ref)
    return Status(204, None)


@router.post("/expo/record-imports", response={200: ExpoImportReportOut, **ERRORS}, auth=user_auth,
             summary="Import a records CSV (UTF-8 or GBK; operators): good rows land, each bad row is reported",
             openapi_extra=form_rules(file="A CSV file of the records' columns (UTF-8 or GBK)."))
def record_import(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    actor = api_user(request)
    require_operator(actor)
    report = records.import_records(file.read(), actor=actor)
    return {**report.__dict__, "errors": [error.as_dict() for error in report.errors]}
