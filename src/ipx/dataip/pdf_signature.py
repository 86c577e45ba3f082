"""The registry's signature on a certificate's PDF file as a whole (PAdES, with pyHanko).

The document attached to the PDF proves the certificate's facts, and the page is checked to
show them; but a changed byte anywhere else in the file (the page's drawing, a font, the QR
code) would leave both intact. The file is therefore also signed, the standard PDF way, with
the same Ed25519 key: any PDF reader shows the signature, and the offline check accepts a PDF
only when that signature covers every byte of the file.

A PDF signature carries an X.509 certificate; the registry publishes a bare public key, so the
signer's certificate is a self-signed one made from the key when signing. Trust comes from the
key alone: the check compares the certificate's public key with the registry's key it is given,
and never fetches anything.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

FIELD_NAME = "RegistrySignature"
# The signer's certificate is made again at every signing; fixed dates and serial keep it the
# same each time for a given key and registry name.
_CERTIFICATE_FROM = datetime(2020, 1, 1, tzinfo=UTC)
_CERTIFICATE_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)


def _signer_certificate(key: Ed25519PrivateKey, registry: str, serial: int) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, registry)])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(_CERTIFICATE_FROM).not_valid_after(_CERTIFICATE_UNTIL)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, None))


def sign(pdf: bytes, key: Ed25519PrivateKey, *, registry: str, key_id: str, reason: str) -> bytes:
    """``pdf`` with the registry's signature over the whole file, added as an incremental update."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = _signer_certificate(key, registry, serial=int(key_id, 16) or 1)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore())
    metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason, name=registry)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return bytes(signers.sign_pdf(writer, metadata, signer=signer).getvalue())


def signed_whole_by(pdf: bytes, key: Ed25519PublicKey) -> bool:
    """Whether ``pdf`` carries exactly one signature, made with ``key``, that still matches the
    file and covers all of it (nothing added, removed or changed since it was signed)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    expected = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if len(signatures) != 1 or signatures[0].signer_cert.public_key.dump() != expected:
            return False
        status = validate_pdf_signature(signatures[0], ValidationContext(
            trust_roots=[signatures[0].signer_cert], allow_fetching=False))
    except Exception:  # a damaged file fails in many ways inside the reader; none is a valid signature
        return False
    return bool(status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
