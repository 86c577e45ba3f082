"""The data-IP registry in the API: registrants draft (multipart: the fields, a sample, and the
fingerprint or the data set itself), apply, withdraw, ask for changes, renew and cancel;
the registry's reviewers read their queues and take each step with a note or reason; anyone
reads the applications in publicity and verifies a certificate by its number; anyone signed in
objects with evidence. A product is read by its registrant's members and the reviewers (404 to
anyone else); each write is one service, whose refusal is the usual error shape."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from pydantic import Field

from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, page_of
from ipx.core.api.types import UPLOAD_RULE, OneOf, form_rules
from ipx.core.errors import NotFound
from ipx.core.files import private_file_response
from ipx.dataip import numbers, selectors
from ipx.dataip.api_schemas import (
    ApplicationIn,
    ChangeIn,
    DataNoteIn,
    DataProductOut,
    DataReasonIn,
    DecisionIn,
    ObjectionOut,
    PublicDataProductOut,
    VerificationOut,
)
from ipx.dataip.history import describe
from ipx.dataip.inputs import CHANGEABLE
from ipx.dataip.models import DataProduct
from ipx.dataip.services import applications, certificates, review
from ipx.dataip.verification import check_number
from ipx.dataip.workflow import DATA_PRODUCT

router = Router(tags=["data IP"])


def _party(organisation: Any) -> dict[str, Any] | None:
    return {"id": organisation.pk, "name": organisation.name} if organisation is not None else None


PUBLIC_FIELDS = ("id", "name", "description", "industry", "source", "collection_method", "lawful_basis", "records",
                 "size_bytes", "structure", "update_frequency", "span_from", "span_until", "restrictions",
                 "fingerprint", "fingerprint_of", "registration_number", "publicity_until")


def public_out(product: DataProduct) -> dict[str, Any]:
    return {**{name: getattr(product, name) for name in PUBLIC_FIELDS}, "registrant": _party(product.registrant)}


def product_out(request: HttpRequest, product: DataProduct) -> dict[str, Any]:
    user = api_user(request)
    product = selectors.product_for(user, product.pk)
    return {**public_out(product), "status": product.status, "fingerprint_computed": product.fingerprint_computed,
            "step_due_on": product.step_due_on, "publicity_from": product.publicity_from,
            "pending_change": product.pending_change, "asset_id": product.asset_id,
            "certificates": list(product.certificates.all()),
            "objections": [{"id": o.pk, "status": o.status, "reason": o.reason, "organisation": _party(o.organisation),
                            "resolution": o.resolution, "created_at": o.created_at, "evidence": list(o.evidence.all())}
                           for o in selectors.objections_of(product)],
            "history": [{"verb": e.verb, "from_status": e.from_status, "to_status": e.to_status, "text": describe(e),
                         "created_at": e.created_at} for e in product.events.order_by("pk")],
            "actions": DATA_PRODUCT.allowed_actions(product, user)}


def _mine(request: HttpRequest, product_id: int) -> DataProduct:
    return selectors.product_for(api_user(request), product_id)


# --- The registrant's -----------------------------------------------------------------------

APPLICATION_RULES = form_rules(
    registrant_id="A verified organisation the caller belongs to (on creation only).",
    sample="A CSV, JSON, JSON Lines or Excel (.xlsx) file whose content is what its name says, at most 10 MB; "
           "required on creation.",
    deposit="The data set or evidence-deposit file itself, up to 2 GB, not empty; its SHA-256 must equal the "
            "fingerprint given.")


@router.get("/dataip/products", response={200: Page[DataProductOut], **ERRORS}, auth=user_auth,
            summary="The data products of the caller's organisations; reviewers: a queue")
def product_list(request: HttpRequest, queue: Annotated[str, OneOf(("", *selectors.QUEUES))] = "",
                 page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    user = api_user(request)
    rows = selectors.review_queues(user)[queue] if queue else selectors.products_of(user)
    return page_of(rows, page, size, lambda product: product_out(request, product))


@router.post("/dataip/products", response={201: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Draft an application (multipart; a verified organisation's members)",
             openapi_extra=APPLICATION_RULES)
def product_create(request: HttpRequest, registrant_id: Form[Id], payload: Form[ApplicationIn],
                   sample: File[UploadedFile | None] = None,
                   deposit: File[UploadedFile | None] = None) -> Status[Any]:
    product = applications.product_create(actor=api_user(request), registrant_id=registrant_id,
                                          values=payload.model_dump(), sample=sample, deposit=deposit)
    return Status(201, product_out(request, product))


@router.post("/dataip/products/{product_id}/application", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Change a draft or returned application (multipart; every field again, files optional)",
             openapi_extra=APPLICATION_RULES)
def product_update(request: HttpRequest, product_id: Id, payload: Form[ApplicationIn],
                   sample: File[UploadedFile | None] = None,
                   deposit: File[UploadedFile | None] = None) -> dict[str, Any]:
    _mine(request, product_id)
    product = applications.product_update(actor=api_user(request), product_id=product_id,
                                          values=payload.model_dump(), sample=sample, deposit=deposit)
    return product_out(request, product)


@router.get("/dataip/products/{product_id}", response={200: DataProductOut, **ERRORS}, auth=user_auth,
            summary="A data product with its history, certificates and objections (its registrant and reviewers)")
def product_detail(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return product_out(request, _mine(request, product_id))


def _step(request: HttpRequest, product_id: int, run: Any) -> dict[str, Any]:
    """One step on a product the caller sees (404 otherwise), then the product as it is now."""
    _mine(request, product_id)
    run(api_user(request))
    return product_out(request, _mine(request, product_id))


@router.post("/dataip/products/{product_id}/submit", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Apply: the registration number is allocated and the formal check is due in working days "
                     "(the registrant's administrators or signatories)")
def product_submit(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return _step(request, product_id, lambda user: applications.product_submit(actor=user, product_id=product_id))


@router.post("/dataip/products/{product_id}/withdraw", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Withdraw an application before the review ends (the registrant's signatories)")
def product_withdraw(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return _step(request, product_id, lambda user: applications.product_withdraw(actor=user, product_id=product_id))


@router.post("/dataip/products/{product_id}/change-request", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Ask to change a registered product (only " + ", ".join(CHANGEABLE) + "; the rest stays)")
def change_request(request: HttpRequest, product_id: Id, payload: ChangeIn) -> dict[str, Any]:
    values = {name: value for name, value in payload.model_dump().items() if value is not None}
    return _step(request, product_id,
                 lambda user: certificates.change_request(actor=user, product_id=product_id, values=values))


@router.post("/dataip/products/{product_id}/renew", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Renew in the last 90 days of the certificate (the registrant's signatories)")
def product_renew(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return _step(request, product_id, lambda user: certificates.renew(actor=user, product_id=product_id))


@router.post("/dataip/products/{product_id}/cancel", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Cancel the registration, with a reason (the registrant's signatories)")
def product_cancel(request: HttpRequest, product_id: Id, payload: DataReasonIn) -> dict[str, Any]:
    return _step(request, product_id,
                 lambda user: certificates.cancel(actor=user, product_id=product_id, reason=payload.reason))


# --- The reviewers' -------------------------------------------------------------------------

REVIEW_SUMMARY = "(the registry's reviewers)"


@router.post("/dataip/products/{product_id}/pass-formal", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Pass the formal check; the substantive check is due in working days " + REVIEW_SUMMARY)
def review_pass_formal(request: HttpRequest, product_id: Id, payload: DataNoteIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: review.review_pass_formal(
        operator=user, product_id=product_id, note=payload.note))


@router.post("/dataip/products/{product_id}/return", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Return for changes, saying what to change " + REVIEW_SUMMARY)
def review_return(request: HttpRequest, product_id: Id, payload: DataNoteIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: review.review_return(
        operator=user, product_id=product_id, note=payload.note))


@router.post("/dataip/products/{product_id}/reject", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Reject the application with a reason " + REVIEW_SUMMARY)
def review_reject(request: HttpRequest, product_id: Id, payload: DataReasonIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: review.review_reject(
        operator=user, product_id=product_id, reason=payload.reason))


@router.post("/dataip/products/{product_id}/publish", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Publish for objections for the objection period's working days " + REVIEW_SUMMARY)
def review_publish(request: HttpRequest, product_id: Id, payload: DataNoteIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: review.review_publish(
        operator=user, product_id=product_id, note=payload.note))


@router.post("/dataip/products/{product_id}/grant", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Grant the registration after the period, every objection decided: the certificate is "
                     "issued " + REVIEW_SUMMARY)
def registration_grant(request: HttpRequest, product_id: Id, payload: DataNoteIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: review.registration_grant(
        operator=user, product_id=product_id, note=payload.note))


@router.post("/dataip/products/{product_id}/refuse", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Refuse the registration with a reason " + REVIEW_SUMMARY)
def registration_refuse(request: HttpRequest, product_id: Id, payload: DataReasonIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: review.registration_refuse(
        operator=user, product_id=product_id, reason=payload.reason))


@router.post("/dataip/products/{product_id}/change/approve", response={200: DataProductOut, **ERRORS},
             auth=user_auth, summary="Approve the change asked for: a new certificate is issued " + REVIEW_SUMMARY)
def change_approve(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return _step(request, product_id, lambda user: certificates.change_approve(operator=user, product_id=product_id))


@router.post("/dataip/products/{product_id}/change/refuse", response={200: DataProductOut, **ERRORS},
             auth=user_auth, summary="Refuse the change asked for, with a reason " + REVIEW_SUMMARY)
def change_refuse(request: HttpRequest, product_id: Id, payload: DataReasonIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: certificates.change_refuse(
        operator=user, product_id=product_id, reason=payload.reason))


@router.post("/dataip/products/{product_id}/revoke", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Revoke the registration with a reason " + REVIEW_SUMMARY)
def registration_revoke(request: HttpRequest, product_id: Id, payload: DataReasonIn) -> dict[str, Any]:
    return _step(request, product_id, lambda user: certificates.revoke(
        operator=user, product_id=product_id, reason=payload.reason))


@router.post("/dataip/objections/{objection_id}/decision", response={200: DataProductOut, **ERRORS}, auth=user_auth,
             summary="Uphold or dismiss an objection, with the reasons " + REVIEW_SUMMARY)
def objection_decide(request: HttpRequest, objection_id: Id, payload: DecisionIn) -> dict[str, Any]:
    user = api_user(request)
    objection = selectors.objection_for(user, objection_id)
    review.objection_decide(operator=user, objection_id=objection.pk, uphold=payload.decision == "uphold",
                            note=payload.note)
    return product_out(request, _mine(request, objection.product_id))


# --- Public, and objections -----------------------------------------------------------------

@router.get("/dataip/publicity", response={200: Page[PublicDataProductOut], **ERRORS}, auth=optional_auth,
            summary="Applications in their objection period (no sign-in needed)")
def publicity_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.in_publicity(), page, size, public_out)


@router.get("/dataip/publicity/{product_id}", response={200: PublicDataProductOut, **ERRORS}, auth=optional_auth,
            summary="An application in publicity (no sign-in needed)")
def publicity_detail(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return public_out(selectors.public_product(product_id))


@router.post("/dataip/publicity/{product_id}/objections", response={201: ObjectionOut, **ERRORS}, auth=user_auth,
             summary="Object to an application while its period runs (multipart; anyone signed in but the "
                     "registrant)",
             description="Refused (409) once the period has ended.",
             openapi_extra=form_rules(reason="Required text.", organisation_id="Optional: an organisation the "
                                      "caller belongs to, on whose behalf it objects.",
                                      evidence=UPLOAD_RULE + " Optional."))
def objection_make(request: HttpRequest, product_id: Id, reason: str = Form("", max_length=5000),
                   organisation_id: Annotated[int | None, Field(ge=1, le=2**53)] = Form(None),
                   evidence: File[list[UploadedFile] | None] = None) -> Status[Any]:
    objection = review.objection_make(actor=api_user(request), product_id=product_id, reason=reason,
                                      organisation_id=organisation_id, evidence=evidence or [])
    return Status(201, {"id": objection.pk, "status": objection.status, "reason": objection.reason,
                        "organisation": _party(objection.organisation), "resolution": objection.resolution,
                        "created_at": objection.created_at, "evidence": list(objection.evidence.all())})


@router.get("/dataip/evidence/{evidence_id}", response={200: None, **ERRORS}, auth=user_auth,
            summary="Download an objection's evidence (its objector, the registrant and the reviewers)")
def evidence_download(request: HttpRequest, evidence_id: Id) -> HttpResponseBase:
    evidence = selectors.evidence_for(api_user(request), evidence_id)
    return private_file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)


# --- Certificates ---------------------------------------------------------------------------

@router.get("/dataip/certificates/{number}", response={200: dict[str, Any], **ERRORS}, auth=user_auth,
            summary="The certificate as a signed document, its status now signed into it (the registrant and "
                    "reviewers)",
            description="Check it offline with `ipx dataip verify FILE` and the registry's public key at "
                        "/.well-known/ipx-dataip-key.pem.")
def certificate_export(request: HttpRequest, number: Annotated[str, Field(max_length=17)]) -> dict[str, Any]:
    return certificates.export(selectors.certificate_for(api_user(request), number))


@router.get("/dataip/verify/{number}", response={200: VerificationOut, **ERRORS}, auth=optional_auth,
            summary="Verify a certificate by its number: its status and whether its signature checks (no sign-in "
                    "needed)")
def verify(request: HttpRequest, number: Annotated[str, Field(max_length=40)]) -> dict[str, Any]:
    check = check_number(number) if numbers.certificate_number_valid(number) else None
    if check is None:
        raise NotFound(_("No certificate numbered %(number)s was issued by this registry.") % {"number": number})
    return {"number": check.certificate.number, "verdict": str(check.verdict.value),
            "signature_holds": check.signature_holds, "certificate": check.certificate.payload}
