"""Checking certificates: online against the register (the public verification page), and
offline from a file alone (``ipx dataip verify``): a certificate's JSON export or its PDF,
whose attachment carries the same signed document."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from pypdf import PdfReader

from ipx.dataip import pdf_signature, signing
from ipx.dataip.models import Certificate
from ipx.dataip.pdf import ATTACHMENT_NAME
from ipx.dataip.signing import Verdict

# What shows that a file was a certificate once; any one is enough, since one changed byte
# can spoil only one of them.
_EXPORT_MARKS = (signing.FORMAT.encode(), b'"certificate"', b'"signature"', b'"key_id"')
_PDF_MARKS = (b"/ByteRange",)


def _pdf_parts(data: bytes) -> tuple[Any, str | None]:
    """The signed document a PDF certificate carries, and its pages' visible text (None when
    the pages cannot be read)."""
    # A damaged file fails in many ways inside the reader (type errors among them), each
    # meaning "cannot be read".
    try:
        reader = PdfReader(io.BytesIO(data))
        contents = reader.attachments.get(ATTACHMENT_NAME) or []
    except Exception:
        return None, None
    document = _json(contents[0]) if contents else None
    try:
        text = "".join(page.extract_text() for page in reader.pages)
    except Exception:
        text = None
    return document, text


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _shows(text: str, certificate: dict[str, Any]) -> bool:
    """Whether the page states the signed facts a reader relies on (line breaks aside)."""
    visible = "".join(text.split())
    facts = [certificate.get("certificate_number"), certificate.get("registration_number"),
             certificate.get("issued_on"), certificate.get("valid_until"),
             (certificate.get("fingerprint") or {}).get("value")]
    return all(isinstance(fact, str) and "".join(fact.split()) in visible for fact in facts)


def verify_file(data: bytes, key: Ed25519PublicKey) -> tuple[Verdict, dict[str, Any] | None]:
    """A JSON export is checked by its signatures; a PDF by those of the document attached to
    it, by the registry's signature over the whole file and, since its page is what people
    read, by the page showing the signed facts."""
    is_pdf = data.startswith(b"%PDF-")
    document, text = _pdf_parts(data) if is_pdf else (_json(data), None)
    if not isinstance(document, dict) and any(mark in data for mark in (_PDF_MARKS if is_pdf else _EXPORT_MARKS)):
        # A certificate that no longer reads (an export's own words still in it, or a signed
        # PDF whose attachment fails) was damaged after it was made.
        return Verdict.TAMPERED, None
    verdict = signing.verify_document(document, key)
    certificate = document.get("certificate") if isinstance(document, dict) else None
    if not isinstance(certificate, dict):
        return verdict, None
    if is_pdf and verdict not in (Verdict.TAMPERED, Verdict.UNKNOWN_KEY) and (
            not pdf_signature.signed_whole_by(data, key) or text is None or not _shows(text, certificate)):
        return Verdict.TAMPERED, certificate
    return verdict, certificate


@dataclass(frozen=True)
class Check:
    """What the verification page says of a certificate number."""

    certificate: Certificate
    verdict: Verdict  # valid, expired, revoked, cancelled, superseded — or tampered
    signature_holds: bool


def check_number(number: str) -> Check | None:
    """The register's answer for ``number`` (None when no such certificate was issued): the
    status it has now and whether its stored signature still checks under the registry's key."""
    certificate = Certificate.objects.select_related("product").filter(number=number.strip()).first()
    if certificate is None:
        return None
    try:
        key = signing.private_key().public_key()
    except signing.KeyMissing:
        return Check(certificate, Verdict.UNKNOWN_KEY, signature_holds=False)
    document = signing.certificate_document(certificate.payload, certificate.signature, certificate.key_id)
    verdict = signing.verify_document(document, key, today=timezone.localdate())
    holds = verdict in (Verdict.VALID, Verdict.EXPIRED)
    if holds and certificate.status != Certificate.Status.VALID:
        verdict = Verdict(certificate.status)
    return Check(certificate, verdict, signature_holds=holds)
