"""The data-IP API's schemas: what a product, its certificates, objections and history look
like in answers, and what an application, a change, a note or reason and a decision carry
(each part stating the rule the service holds it to)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from ipx.core.api.schemas import StoredFileOut
from ipx.core.api.types import InputSchema, OneOf, rule
from ipx.dataip.models import DataSource, Industry, UpdateFrequency

Text = Annotated[str, Field(max_length=3000, json_schema_extra=rule("Required text."))]


class DataPartyOut(Schema):
    id: int
    name: str


class DataEventOut(Schema):
    verb: str
    from_status: str
    to_status: str
    text: str = Field(description="The step in the caller's language.")
    created_at: datetime


class CertificateOut(Schema):
    number: str
    status: str = Field(description="valid, superseded, cancelled or revoked.")
    issued_on: date
    valid_until: date


class ObjectionOut(Schema):
    id: int
    status: str = Field(description="open, upheld or dismissed.")
    reason: str
    organisation: DataPartyOut | None
    resolution: str
    created_at: datetime
    evidence: list[StoredFileOut]


class PublicDataProductOut(Schema):
    id: int
    registrant: DataPartyOut
    name: str
    description: str
    industry: str
    source: str
    collection_method: str
    lawful_basis: str
    records: int
    size_bytes: int
    structure: str
    update_frequency: str
    span_from: date
    span_until: date
    restrictions: str
    fingerprint: str
    fingerprint_of: str
    registration_number: str | None
    publicity_until: date | None


class DataProductOut(PublicDataProductOut):
    status: str
    fingerprint_computed: bool
    step_due_on: date | None = Field(description="The working day by which the registry's current step is due.")
    publicity_from: date | None
    pending_change: dict[str, Any]
    asset_id: int | None
    certificates: list[CertificateOut]
    objections: list[ObjectionOut]
    history: list[DataEventOut]
    actions: list[str] = Field(description="The caller's steps now, as the workflow names them.")


REQUIRED = "Required text."
COUNT = "A whole number above 0 (commas allowed)."
DAY = "A day (YYYY-MM-DD)."


def _part(max_length: int, text: str) -> Any:
    return Field("", max_length=max_length, json_schema_extra=rule(text))


class ApplicationIn(Schema):
    """Read by the service (``ProductInput``), so every mistake is named by its field at once."""

    name: str = _part(200, REQUIRED)
    description: str = _part(5000, REQUIRED)
    industry: str = _part(1, "A section letter of GB/T 4754-2017: " + ", ".join(Industry.values) + ".")
    source: str = _part(2, "Where the data comes from: " + ", ".join(DataSource.values) + ".")
    collection_method: str = _part(3000, REQUIRED)
    lawful_basis: str = _part(3000, REQUIRED)
    records: str = _part(30, COUNT)
    size_bytes: str = _part(30, COUNT)
    structure: str = _part(10000, REQUIRED)
    update_frequency: str = _part(10, "One of " + ", ".join(UpdateFrequency.values) + ".")
    span_from: str = _part(30, DAY)
    span_until: str = _part(30, DAY + " Not before span_from.")
    restrictions: str = _part(3000, "Optional text.")
    fingerprint: str = _part(200, "64 hexadecimal digits (spaces and colons ignored); may be empty when the "
                                  "deposit is uploaded, then computed from it; given both, they must agree.")
    fingerprint_of: str = _part(8, "data_set (the default) or deposit.")


class ChangeIn(InputSchema):
    """Only what is given changes; something must (else 400 on name: nothing would change)."""

    name: str | None = Field(None, max_length=200, json_schema_extra=rule(REQUIRED + " Something must change."))
    description: str | None = Field(None, max_length=5000, json_schema_extra=rule(REQUIRED))
    structure: str | None = Field(None, max_length=10000, json_schema_extra=rule(REQUIRED))
    update_frequency: str | None = Field(None, max_length=10, json_schema_extra=rule(
        "One of " + ", ".join(UpdateFrequency.values) + "."))
    span_until: str | None = Field(None, max_length=30, json_schema_extra=rule(DAY + " Not before the data's start."))
    restrictions: str | None = Field(None, max_length=3000, json_schema_extra=rule("Optional text."))
    records: str | None = Field(None, max_length=30, json_schema_extra=rule(COUNT))
    size_bytes: str | None = Field(None, max_length=30, json_schema_extra=rule(COUNT))


class DataNoteIn(InputSchema):
    note: str = Field("", max_length=3000, json_schema_extra=rule("Text; required to return an application "
                                                                  "(it says what to change)."))


class DataReasonIn(InputSchema):
    reason: Text


class DecisionIn(InputSchema):
    decision: Annotated[str, OneOf(("uphold", "dismiss"))]
    note: Text


class VerificationOut(Schema):
    number: str
    verdict: str = Field(description="valid, expired, revoked, cancelled, superseded, tampered or unknown_key.")
    signature_holds: bool
    certificate: dict[str, Any] = Field(description="The signed record: registrant, product, fingerprint, dates.")
