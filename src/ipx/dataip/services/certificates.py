"""Certificates: issued when a registration is granted, reissued when a change is approved
or the registration renewed (the earlier one superseded), ended when the registrant cancels
or the registry revokes. Each certificate's content is signed once, when issued
(``ipx.dataip.signing``); its status at any moment is signed into each export.

A granted registration becomes a catalog asset of type data held by the registrant, so it
can be listed, negotiated, dealt, pledged and insured like any other right.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.catalog.models import Asset, AssetOwner
from ipx.core.errors import Conflict
from ipx.core.validation import FieldErrors, clean_text
from ipx.dataip import notices, numbers, signing
from ipx.dataip.inputs import CHANGEABLE, ProductInput
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services.sequences import next_value
from ipx.dataip.workflow import DATA_PRODUCT
from ipx.finance.services.collateral import pledges_of
from ipx.listings.models import Listing
from ipx.listings.services import listing_withdraw

RENEW_WINDOW_DAYS = 90  # renewal opens this many days before a certificate ends
ON_THE_MARKET = (Listing.Status.SUBMITTED, Listing.Status.PUBLISHED, Listing.Status.RESERVED)


def term_years() -> int:
    return int(getattr(settings, "IPX_DATAIP_TERM_YEARS", 3))


def registry_name() -> str:
    return str(getattr(settings, "IPX_DATAIP_REGISTRY_NAME", "IPX 数据知识产权登记 · IPX Data IP Registry"))


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def verification_url(number: str) -> str:
    return settings.IPX_SITE_URL + reverse("dataip:verify", args=[number])


def _payload(product: DataProduct, number: str, issued_on: date, valid_until: date) -> dict[str, Any]:
    registrant = product.registrant
    return {
        "registry": {"code": numbers.registry_code(), "name": registry_name()},
        "certificate_number": number,
        "registration_number": product.registration_number,
        "registrant": {"name": registrant.name, "name_en": registrant.name_en, "uscc": registrant.uscc or ""},
        "product": {"name": product.name, "industry": product.industry, "source": product.source,
                    "records": product.records, "size_bytes": product.size_bytes,
                    "span": [product.span_from.isoformat(), product.span_until.isoformat()],
                    "update_frequency": product.update_frequency},
        "fingerprint": {"algorithm": "SHA-256", "of": product.fingerprint_of, "value": product.fingerprint},
        "issued_on": issued_on.isoformat(),
        "valid_until": valid_until.isoformat(),
        "verify_url": verification_url(number),
    }


def _issue(product: DataProduct, valid_until: date | None = None) -> Certificate:
    issued_on = timezone.localdate()
    valid_until = valid_until or _years_later(issued_on, term_years()) - timedelta(days=1)
    registry = numbers.registry_code()
    serial = next_value(f"certificate:{registry}:{issued_on.year}")
    number = numbers.certificate_number(issued_on=issued_on, serial=serial, registry=registry)
    payload = _payload(product, number, issued_on, valid_until)
    try:
        signature, key = signing.sign_certificate(payload)
    except signing.KeyMissing:
        raise Conflict(_("The registry has no signing key yet; an administrator makes one with “ipx dataip "
                         "keygen”.")) from None
    return Certificate.objects.create(product=product, number=number, issued_on=issued_on, valid_until=valid_until,
                                      payload=payload, signature=signature, key_id=key)


def _current(product: DataProduct) -> Certificate:
    return product.certificates.select_for_update().get(status=Certificate.Status.VALID)


def _end(certificate: Certificate, status: str, reason: str = "") -> None:
    certificate.status, certificate.ended_at, certificate.end_reason = status, timezone.now(), reason
    certificate.save(update_fields=["status", "ended_at", "end_reason"])


def grant(product: DataProduct, operator: User) -> Certificate:
    """The asset and the first certificate of a registration being granted (the caller moves
    the product and records the step)."""
    product.asset = Asset.objects.create(ip_type=Asset.Type.DATA, holder=product.registrant, title=product.name,
                                         abstract=product.description, legal_status=Asset.LegalStatus.IN_FORCE)
    AssetOwner.objects.create(asset=product.asset, organisation=product.registrant, name=product.registrant.name)
    return _issue(product)


def _asset_status(product: DataProduct, status: str) -> None:
    if product.asset_id is not None:
        Asset.objects.filter(pk=product.asset_id).update(legal_status=status)


def _reason(value: object) -> str:
    errors = FieldErrors()
    text = clean_text(value, field="reason", errors=errors, max_length=3000)
    errors.raise_if_any()
    return text


@transaction.atomic
def change_request(*, actor: User, product_id: int, values: Mapping[str, Any]) -> DataProduct:
    """Ask to change what may change of a registered product; the rest is kept as registered."""
    product = DATA_PRODUCT.lock(product_id)
    DATA_PRODUCT.check(product, "request_change", actor)
    errors = FieldErrors()
    registered = {field: getattr(product, field) for field in ProductInput.__dataclass_fields__}
    current = ProductInput.parse({**registered, **{f: values[f] for f in CHANGEABLE if f in values}},
                                 errors=errors, fingerprint_required=True)
    errors.raise_if_any()
    proposed = {field: getattr(current, field) for field in CHANGEABLE}
    changes = {field: value.isoformat() if isinstance(value, date) else value
               for field, value in proposed.items() if value != getattr(product, field)}
    if not changes:
        errors.add("name", _("Nothing would change."))
        errors.raise_if_any()
    product.pending_change = changes
    DATA_PRODUCT.transition(product, "request_change", actor=actor, check=False, fields=("pending_change",),
                            params={"fields": sorted(changes)})
    return product


@transaction.atomic
def change_approve(*, operator: User, product_id: int) -> Certificate:
    product = DATA_PRODUCT.lock(product_id, related=("registrant", "asset"))
    DATA_PRODUCT.check(product, "approve_change", operator)
    for field, value in product.pending_change.items():
        setattr(product, field, date.fromisoformat(value) if field == "span_until" else value)
    changed = sorted(product.pending_change)
    product.pending_change = {}
    previous = _current(product)
    _end(previous, Certificate.Status.SUPERSEDED)
    certificate = _issue(product, valid_until=previous.valid_until)
    if product.asset is not None and "name" in changed:
        Asset.objects.filter(pk=product.asset.pk).update(title=product.name, abstract=product.description)
    DATA_PRODUCT.transition(product, "approve_change", actor=operator, check=False,
                            fields=("pending_change", *changed), params={"certificate": certificate.number})
    notices.tell("change_approved", product, actor=operator, certificate=certificate.number)
    return certificate


@transaction.atomic
def change_refuse(*, operator: User, product_id: int, reason: object) -> DataProduct:
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, "refuse_change", operator)
    text = _reason(reason)
    product.pending_change = {}
    DATA_PRODUCT.transition(product, "refuse_change", actor=operator, note=text, check=False,
                            fields=("pending_change",))
    notices.tell("change_refused", product, actor=operator, reason=text)
    return product


@transaction.atomic
def renew(*, actor: User, product_id: int) -> Certificate:
    """A new certificate running a further term from the current one's end; renewal opens
    RENEW_WINDOW_DAYS before that end and closes with it."""
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, "renew", actor)
    previous = _current(product)
    today = timezone.localdate()
    if previous.valid_until < today:
        raise Conflict(_("The certificate ended on %(date)s; an ended registration is not renewed, apply again.")
                       % {"date": previous.valid_until.isoformat()})
    if (previous.valid_until - today).days > RENEW_WINDOW_DAYS:
        raise Conflict(_("Renewal opens %(days)d days before the certificate ends (from %(date)s).")
                       % {"days": RENEW_WINDOW_DAYS,
                          "date": (previous.valid_until - timedelta(days=RENEW_WINDOW_DAYS)).isoformat()})
    _end(previous, Certificate.Status.SUPERSEDED)
    certificate = _issue(product, valid_until=_years_later(previous.valid_until, term_years()))
    DATA_PRODUCT.transition(product, "renew", actor=actor, acting_for=product.registrant, check=False,
                            params={"certificate": certificate.number})
    return certificate


@transaction.atomic
def cancel(*, actor: User, product_id: int, reason: object) -> DataProduct:
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, "cancel", actor)
    text = _reason(reason)
    if product.asset_id and Listing.objects.filter(asset_links__asset_id=product.asset_id,
                                                   status__in=ON_THE_MARKET).exists():
        raise Conflict(_("The data IP is on the market: withdraw its listings before cancelling the registration."))
    if product.asset_id and (loan := pledges_of([product.asset_id]).get(product.asset_id)) is not None:
        raise Conflict(_("The data IP is pledged to %(bank)s for loan #%(loan)s: the registration is not cancelled "
                         "until the loan is repaid.") % {"bank": loan.bank.name, "loan": loan.pk})
    _end(_current(product), Certificate.Status.CANCELLED, text)
    _asset_status(product, Asset.LegalStatus.WITHDRAWN)
    DATA_PRODUCT.transition(product, "cancel", actor=actor, acting_for=product.registrant, note=text, check=False)
    return product


@transaction.atomic
def revoke(*, operator: User, product_id: int, reason: object) -> DataProduct:
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, "revoke", operator)
    text = _reason(reason)
    _end(_current(product), Certificate.Status.REVOKED, text)
    product.pending_change = {}
    _asset_status(product, Asset.LegalStatus.INVALIDATED)
    DATA_PRODUCT.transition(product, "revoke", actor=operator, note=text, check=False, fields=("pending_change",))
    _off_the_market(product, operator, text)
    notices.tell("revoked", product, actor=operator, reason=text)
    return product


def _off_the_market(product: DataProduct, operator: User, reason: str) -> None:
    """The registry's revocation is not the holder's choice, unlike a cancellation (refused
    while listed): a revoked right must not stay on offer, so every listing still offering it
    is withdrawn (recalled, if in review) by the revoking operator with the revocation's reason,
    in the revocation's transaction — it leaves the market together with the registration."""
    if product.asset_id is None:
        return
    listing_ids = (Listing.objects.filter(asset_links__asset_id=product.asset_id, status__in=ON_THE_MARKET)
                   .order_by("pk").values_list("pk", flat=True).distinct())
    for listing_id in list(listing_ids):
        listing_withdraw(listing_id=listing_id, actor=operator, reason=reason)


def export(certificate: Certificate) -> dict[str, Any]:
    """The certificate as a signed document, with its status now signed into it."""
    status = {"certificate_number": certificate.number, "state": certificate.status,
              "as_of": timezone.now().isoformat(timespec="seconds")}
    return signing.certificate_document(certificate.payload, certificate.signature, certificate.key_id, status)
