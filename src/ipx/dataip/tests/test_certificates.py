"""Certificates: signed once when issued, checked online (the verification page the QR code
opens) and offline (``ipx dataip verify`` on the JSON export or the PDF, without the
database): valid, tampered by a changed byte (in the JSON, or anywhere in the PDF), signed by
an unknown key, revoked as of the export; changes and renewals reissue and supersede, cancellation ends."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from ipx.accounts.models import User
from ipx.core.errors import Conflict
from ipx.dataip import pdf_signature, signing
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.pdf import ATTACHMENT_NAME, certificate_pdf
from ipx.dataip.services import certificates
from ipx.dataip.signing import Verdict
from ipx.dataip.tests.scenes import granted
from ipx.dataip.verification import check_number, verify_file
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry_key")]


def _key() -> Ed25519PublicKey:
    return signing.private_key().public_key()


def test_the_export_checks_offline_and_a_changed_byte_does_not(owner: Member, operator: User) -> None:
    certificate = granted(owner, operator).certificates.get()
    exported = json.dumps(certificates.export(certificate), ensure_ascii=False).encode()
    assert verify_file(exported, _key())[0] == Verdict.VALID
    tampered = exported.replace(b'"records": 1200000', b'"records": 1200001')
    assert tampered != exported and verify_file(tampered, _key())[0] == Verdict.TAMPERED
    other = Ed25519PrivateKey.generate().public_key()
    assert verify_file(exported, other)[0] == Verdict.UNKNOWN_KEY
    assert verify_file(b"not a certificate", _key())[0] == Verdict.UNREADABLE


def test_a_changed_byte_anywhere_in_the_export_is_tampered(owner: Member, operator: User) -> None:
    """As the export is downloaded (indented): a byte flipped in a value, a key, the format,
    the key id, the signature or the white space between them never checks as valid, and a
    damaged export is called tampered, not "not a certificate"."""
    certificate = granted(owner, operator).certificates.get()
    exported = json.dumps(certificates.export(certificate), ensure_ascii=False, indent=2).encode()
    verdicts = {at: verify_file(exported[:at] + bytes([exported[at] ^ 0xFF]) + exported[at + 1:], _key())[0]
                for at in [*range(0, len(exported), len(exported) // 60), len(exported) - 1]}
    assert set(verdicts.values()) == {Verdict.TAMPERED}, verdicts
    key_id = f'"key_id": "{certificate.key_id}"'.encode()
    assert verify_file(exported.replace(key_id, b'"key_id": "0000000000000000"'), _key())[0] == Verdict.TAMPERED
    assert verify_file(exported.replace(b'"format": "', b'"format": "x'), _key())[0] == Verdict.TAMPERED


def test_a_forged_status_does_not_pass_for_valid(owner: Member, operator: User) -> None:
    product = granted(owner, operator)
    certificate = product.certificates.get()
    certificates.revoke(operator=operator, product_id=product.pk, reason="登记材料虚假")
    certificate.refresh_from_db()
    document = certificates.export(certificate)
    assert signing.verify_document(document, _key()) == Verdict.REVOKED
    document["status"]["state"] = "valid"
    assert signing.verify_document(document, _key()) == Verdict.TAMPERED


def test_the_pdf_carries_a_qr_code_to_the_verification_page(owner: Member, operator: User, client: Client) -> None:
    certificate = granted(owner, operator).certificates.get()
    pdf = certificate_pdf(certificate, certificates.export(certificate), "zh-hans")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1 and "数据知识产权登记证书" in page.extract_text()
    decoded = [result.text for image in page.images for result in zxingcpp.read_barcodes(image.image)]
    assert len(decoded) == 1 and decoded[0].endswith(f"/dataip/verify/{certificate.number}/")
    answer = client.get(decoded[0].split("://", 1)[1].partition("/")[2].join(["/", ""]))
    assert answer.status_code == 200 and certificate.number in answer.text and 'verdict-valid' in answer.text
    assert verify_file(pdf, _key())[0] == Verdict.VALID  # the attachment carries the signed document


def _with_attachment(pdf: bytes, content: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    del writer._root_object["/Names"]  # the embedded file is replaced, not added beside
    writer.add_attachment(ATTACHMENT_NAME, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_changed_byte_anywhere_in_the_pdf_is_tampered(owner: Member, operator: User) -> None:
    certificate = granted(owner, operator).certificates.get()
    pdf = certificate_pdf(certificate, certificates.export(certificate), "en")
    assert verify_file(pdf, _key())[0] == Verdict.VALID
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].extract_text()) > 100  # the flips below hit a real page
    verdicts = {}
    for at in [*range(0, len(pdf), len(pdf) // 40), len(pdf) - 1]:  # the header, drawing, fonts, signature, end
        verdicts[at] = verify_file(pdf[:at] + bytes([pdf[at] ^ 0xFF]) + pdf[at + 1:], _key())[0]
    assert verdicts.pop(0) == Verdict.UNREADABLE  # no longer starts as a PDF
    assert set(verdicts.values()) == {Verdict.TAMPERED}, verdicts
    assert verify_file(pdf + b"\n1 0 obj\n(added)\nendobj\n", _key())[0] == Verdict.TAMPERED


def test_the_attachment_and_the_page_are_checked_under_the_file_signature(
        owner: Member, operator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF the registry's key signed as a whole still fails when its attached document or
    its page does not hold: each check catches what the others let through."""
    certificate = granted(owner, operator).certificates.get()
    document = certificates.export(certificate)
    sign_file = pdf_signature.sign

    def registry_signed(pdf: bytes) -> bytes:
        return sign_file(pdf, signing.private_key(), registry="IPX", key_id=certificate.key_id, reason="test")

    monkeypatch.setattr(pdf_signature, "sign", lambda pdf, *args, **kwargs: pdf)
    unsigned = certificate_pdf(certificate, document, "en")
    assert verify_file(unsigned, _key())[0] == Verdict.TAMPERED  # no signature over the file
    assert verify_file(registry_signed(unsigned), _key())[0] == Verdict.VALID
    forged = sign_file(unsigned, Ed25519PrivateKey.generate(), registry="IPX", key_id=certificate.key_id,
                       reason="test")
    assert verify_file(forged, _key())[0] == Verdict.TAMPERED
    attached = json.dumps(document, ensure_ascii=False).encode()
    changed = attached.replace(b'"records": 1200000', b'"records": 1200001')
    assert changed != attached
    assert verify_file(registry_signed(_with_attachment(unsigned, attached)), _key())[0] == Verdict.VALID
    assert verify_file(registry_signed(_with_attachment(unsigned, changed)), _key())[0] == Verdict.TAMPERED
    # The page says something else than what was signed (the attachment intact):
    shown = Certificate(**{**{f.attname: getattr(certificate, f.attname) for f in Certificate._meta.concrete_fields},
                           "payload": {**certificate.payload, "valid_until": "2099-12-31"}})
    assert verify_file(registry_signed(certificate_pdf(shown, document, "en")), _key())[0] == Verdict.TAMPERED


def test_the_command_says_valid_or_revoked_as_of_export(owner: Member, operator: User, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    product = granted(owner, operator)
    certificate = product.certificates.get()
    valid = tmp_path / "valid.json"
    valid.write_text(json.dumps(certificates.export(certificate), ensure_ascii=False), encoding="utf-8")
    call_command("dataip", "verify", str(valid))
    assert f"{certificate.number}: valid" in capsys.readouterr().out
    certificates.revoke(operator=operator, product_id=product.pk, reason="权属争议经法院判决")
    certificate.refresh_from_db()
    revoked = tmp_path / "revoked.json"
    revoked.write_text(json.dumps(certificates.export(certificate), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("dataip", "verify", str(revoked))
    assert "revoked as of the export" in capsys.readouterr().out
    # Offline, an export says what was true when it was made: the earlier one still reads valid.
    call_command("dataip", "verify", str(valid))
    assert f"{certificate.number}: valid" in capsys.readouterr().out


def test_online_status_follows_the_register(owner: Member, operator: User) -> None:
    product = granted(owner, operator)
    number = product.certificates.get().number
    valid = check_number(number)
    assert valid is not None and valid.verdict == Verdict.VALID
    certificates.cancel(actor=owner.user, product_id=product.pk, reason="业务调整")
    check = check_number(number)
    assert check is not None and check.verdict == Verdict.CANCELLED and check.signature_holds
    assert check_number("20990144000000001") is None


def test_a_change_reissues_and_supersedes(owner: Member, buyer: Member, operator: User) -> None:
    product = granted(owner, operator)
    first = product.certificates.get()
    with pytest.raises(Exception, match="registrant"):
        certificates.change_request(actor=buyer.user, product_id=product.pk, values={"records": "1300000"})
    certificates.change_request(actor=owner.user, product_id=product.pk,
                                values={"records": "1300000", "fingerprint": "f" * 64})
    second = certificates.change_approve(operator=operator, product_id=product.pk)
    first.refresh_from_db()
    assert first.status == Certificate.Status.SUPERSEDED and second.valid_until == first.valid_until
    assert second.payload["product"]["records"] == 1300000
    assert second.payload["fingerprint"]["value"] == first.payload["fingerprint"]["value"]  # not changeable


def test_renewal_opens_ninety_days_before_the_end(owner: Member, operator: User) -> None:
    product = granted(owner, operator)
    with pytest.raises(Conflict, match="Renewal opens"):
        certificates.renew(actor=owner.user, product_id=product.pk)
    ends = timezone.localdate() + timedelta(days=30)
    Certificate.objects.filter(product=product).update(valid_until=ends)
    renewed = certificates.renew(actor=owner.user, product_id=product.pk)
    assert renewed.valid_until == date(ends.year + 3, ends.month, min(ends.day, 28 if ends.month == 2 else 31))
    assert DataProduct.objects.get(pk=product.pk).certificates.filter(status="valid").count() == 1

