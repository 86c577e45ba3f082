"""The registry's signature on certificates: Ed25519 over the certificate's canonical JSON.

Canonical JSON is the payload with its keys sorted, no spaces, UTF-8 (not \\u escapes), so
anyone can rebuild the exact bytes that were signed from the document itself. A document
(``certificate_document``) carries the payload, the signing key's id and the signature; an
export also carries a status statement (valid or revoked, as of the moment of export) signed
with the same key, so that an offline check can say "revoked as of export" and a forged
"valid" fails.

The private key is a PEM file (``IPX_DATAIP_KEY_PATH``, default ``var/dataip/registry-ed25519.pem``),
made by ``ipx dataip keygen``; its public half is published at
``/.well-known/ipx-dataip-key.pem``. Keeping it in a file lets an operator move the registry's
key into a secrets store without a code change.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

FORMAT = "ipx-dataip-certificate/1"


class KeyMissing(Exception):
    """The registry has no signing key yet (``ipx dataip keygen`` makes one)."""


class Verdict(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    # As of the status statement (online: now; offline: the export).
    REVOKED = "revoked"
    CANCELLED = "cancelled"  # by the registrant
    SUPERSEDED = "superseded"  # replaced by a later certificate (a change or a renewal)
    TAMPERED = "tampered"  # the signature does not match the content
    UNKNOWN_KEY = "unknown_key"  # signed by a key other than the one given
    UNREADABLE = "unreadable"  # not a certificate document at all


def key_path() -> Path:
    default = Path(settings.VAR_DIR) / "dataip" / "registry-ed25519.pem"
    return Path(getattr(settings, "IPX_DATAIP_KEY_PATH", default))


def generate_key(path: Path | None = None, *, replace: bool = False) -> Path:
    """Write a new private key (mode 0600) and its public half beside it (``.pub.pem``)."""
    path = path or key_path()
    if path.exists() and not replace:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    path.with_suffix(".pub.pem").write_bytes(public_pem(private.public_key()))
    return path


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyMissing(str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyMissing(f"{path} is not an Ed25519 key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sign(key: Ed25519PrivateKey, payload: Mapping[str, Any]) -> str:
    return base64.b64encode(key.sign(canonical(payload))).decode("ascii")


def sign_certificate(payload: Mapping[str, Any]) -> tuple[str, str]:
    """The signature (base64) of ``payload`` and the id of the key that made it."""
    key = private_key()
    return _sign(key, payload), key_id(key.public_key())


def certificate_document(payload: Mapping[str, Any], signature: str, signed_by: str,
                         status: Mapping[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"format": FORMAT, "certificate": dict(payload), "key_id": signed_by,
                                "signature": signature}
    if status is not None:
        document["status"] = dict(status)
        document["status_signature"] = _sign(private_key(), status)
    return document


def _signature_holds(key: Ed25519PublicKey, payload: object, signature: object) -> bool:
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), canonical(payload))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def verify_document(document: object, key: Ed25519PublicKey, *, today: date | None = None) -> Verdict:
    """What ``document`` is worth under ``key``, from its own content alone (no database)."""
    if not isinstance(document, dict) or not ({"format", "certificate", "signature"} & document.keys()):
        return Verdict.UNREADABLE
    payload = document.get("certificate")
    holds = _signature_holds(key, payload, document.get("signature"))
    if document.get("key_id") != key_id(key):
        # Another key's certificate; or this key's with its key id changed.
        return Verdict.TAMPERED if holds else Verdict.UNKNOWN_KEY
    if not holds or document.get("format") != FORMAT or not isinstance(payload, dict):
        return Verdict.TAMPERED
    status = document.get("status")
    if status is not None:
        if not _signature_holds(key, status, document.get("status_signature")) or (
                status.get("certificate_number") != payload.get("certificate_number")):
            return Verdict.TAMPERED
        if status.get("state") in (Verdict.REVOKED, Verdict.CANCELLED, Verdict.SUPERSEDED):
            return Verdict(status["state"])
    valid_until = str(payload.get("valid_until", ""))
    if valid_until and valid_until < (today or timezone.localdate()).isoformat():
        return Verdict.EXPIRED
    return Verdict.VALID
