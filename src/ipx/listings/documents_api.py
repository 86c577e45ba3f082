"""A listing's detailed documents in the API, and the non-disclosure agreements that open
them: the seller's members add and remove documents; members see and download them once
their organisation accepted the listing's terms (when it has any). Mounted by the listings
router, under the same ``/listings/{id}/...`` paths."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, StoredFileOut
from ipx.core.api.types import UPLOAD_RULE, InputSchema, form_rules
from ipx.core.errors import NotFound
from ipx.core.files import private_file_response
from ipx.core.network import request_ip
from ipx.listings import documents, ndas, selectors
from ipx.listings.models import ListingDocument, NdaAcceptance

router = Router()  # its tags are the listings router's, which mounts it


class DocumentOut(StoredFileOut):
    title: str
    uploaded_at: datetime


class DocumentsOut(Schema):
    listing_id: int
    requires_nda: bool
    nda_text: str
    nda_accepted: bool = Field(description="an organisation of yours accepted the terms")
    can_see: bool = Field(description="documents are listed and can be downloaded")
    count: int
    documents: list[DocumentOut] = Field(description="empty while the documents are hidden")


class NdaIn(InputSchema):
    organisation_id: Id = Field(description="the organisation you accept the terms for")


class NdaOut(Schema):
    listing_id: int
    organisation_id: int
    user_id: int
    nda_text: str
    ip_address: str | None
    accepted_at: datetime


def _document_of(listing_id: int, document: ListingDocument) -> ListingDocument:
    if document.listing_id != listing_id:
        raise NotFound(_("No such document."))
    return document


DOCUMENT_TITLE = Form("", max_length=200, description="the file's name without its extension when left out")


@router.get("/listings/{listing_id}/documents", response={200: DocumentsOut, **ERRORS}, auth=user_auth,
            summary="A listing's detailed documents (hidden until its NDA is accepted)")
def document_list(request: HttpRequest, listing_id: Id) -> dict[str, Any]:
    access, shown = selectors.listing_documents(api_user(request), listing_id)
    return {"listing_id": listing_id, "requires_nda": access.listing.requires_nda,
            "nda_text": access.listing.nda_text,
            "nda_accepted": bool(access.accepted), "can_see": access.can_see,
            "count": selectors.document_count(access.listing), "documents": shown}


@router.post("/listings/{listing_id}/documents", response={201: DocumentOut, **ERRORS}, auth=user_auth,
             summary="Add a PDF or picture to your organisation's listing (multipart)",
             openapi_extra=form_rules(file=UPLOAD_RULE))
def document_upload(request: HttpRequest, listing_id: Id, file: File[UploadedFile],
                    title: str = DOCUMENT_TITLE) -> Status[ListingDocument]:
    document = documents.listing_document_add(listing_id=listing_id, actor=api_user(request), title=title, file=file)
    return Status(201, document)


@router.get("/listings/{listing_id}/documents/{document_id}", response={200: None, **ERRORS}, auth=user_auth,
            summary="Download a listing document (403 until the NDA is accepted)")
def document_download(request: HttpRequest, listing_id: Id, document_id: Id) -> HttpResponseBase:
    document = _document_of(listing_id, selectors.document_for_download(api_user(request), document_id))
    return private_file_response(document.file, filename=document.original_name, content_type=document.content_type)


@router.delete("/listings/{listing_id}/documents/{document_id}", response={204: None, **ERRORS},
               auth=user_auth, summary="Remove a document from your organisation's listing")
def document_delete(request: HttpRequest, listing_id: Id, document_id: Id) -> Status[None]:
    if not ListingDocument.objects.filter(pk=document_id, listing_id=listing_id).exists():
        raise NotFound(_("No such document."))
    documents.listing_document_delete(document_id=document_id, actor=api_user(request))
    return Status(204, None)


@router.post("/listings/{listing_id}/nda", response={200: NdaOut, **ERRORS}, auth=user_auth,
             summary="Accept a listing's non-disclosure terms for your organisation")
def nda_accept(request: HttpRequest, listing_id: Id, payload: NdaIn) -> NdaAcceptance:
    return ndas.nda_accept(listing_id=listing_id, actor=api_user(request), organisation_id=payload.organisation_id,
                           ip_address=request_ip(request))
