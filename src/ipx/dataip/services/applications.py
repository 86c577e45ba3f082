"""A data product's application, from draft to the registry's queue.

A verified organisation drafts it with a sample and either the data set's SHA-256 fingerprint
(the file stays with the applicant) or the file itself, whose fingerprint the registry
computes as it arrives; given both, they must agree. Applying allocates the registration
number and puts the application in the formal-check queue, due in so many working days.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.core.uploads import sanitise_name
from ipx.core.validation import FieldErrors
from ipx.dataip import numbers
from ipx.dataip.fingerprints import digest_of
from ipx.dataip.inputs import ProductInput
from ipx.dataip.models import DataProduct, Deposit, Sample
from ipx.dataip.samples import check_sample
from ipx.dataip.services.sequences import next_value
from ipx.dataip.workflow import DATA_PRODUCT
from ipx.dataip.working_days import add_working_days

DEFAULT_DEPOSIT_LIMIT = 2 * 1000 ** 3  # 2 GB


def review_days(step: str) -> int:
    """Working days the registry gives itself for a step (``formal``, ``substantive``)."""
    return int(getattr(settings, "IPX_DATAIP_REVIEW_DAYS", {"formal": 5, "substantive": 15})[step])


def _deposit_digest(file: IO[bytes] | Any, errors: FieldErrors) -> tuple[str, int]:
    """The file's SHA-256, read in chunks (an upload handler may have computed it already)."""
    limit = int(getattr(settings, "IPX_DATAIP_DEPOSIT_MAX_BYTES", DEFAULT_DEPOSIT_LIMIT))
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        errors.add("deposit", _("The file is larger than the %(limit)d GB a deposit may be.")
                   % {"limit": limit // 1000 ** 3})
        return "", 0
    known = getattr(file, "sha256", None)
    if isinstance(known, str) and isinstance(declared, int):
        return known, declared
    file.seek(0)
    digest, size = digest_of(iter(lambda: file.read(1024 * 1024), b""))
    if size == 0:
        errors.add("deposit", _("The file is empty."))
    return digest, size


def _files(values: ProductInput, *, sample: object, deposit: object, errors: FieldErrors,
           ) -> tuple[Any, tuple[str, int] | None]:
    checked_sample = None
    if sample is not None:
        try:
            checked_sample = check_sample(sample)
        except ValidationFailed as exc:
            errors.collect(exc)
    computed = None
    if deposit is not None:
        computed = _deposit_digest(deposit, errors)
        if computed[0] and values.fingerprint and values.fingerprint != computed[0]:
            errors.add("fingerprint", _("The file's SHA-256 is %(computed)s, not the fingerprint given.")
                       % {"computed": computed[0]})
    return checked_sample, computed


def _keep(product: DataProduct, checked_sample: Any, deposit: Any, computed: tuple[str, int] | None) -> None:
    if checked_sample is not None:
        Sample.objects.filter(product=product).delete()
        kept = Sample(product=product)
        kept.store(checked_sample)
        kept.save()
    if deposit is not None and computed is not None:
        Deposit.objects.filter(product=product).delete()
        name = sanitise_name(getattr(deposit, "name", "")) or "data"
        kept_deposit = Deposit(product=product, original_name=name, content_type="application/octet-stream",
                               extension=("." + name.rpartition(".")[2].lower())[:8] if "." in name else "",
                               size=computed[1], sha256=computed[0])
        deposit.seek(0)
        kept_deposit.file.save(name, deposit, save=False)
        kept_deposit.save()


@transaction.atomic
def product_create(*, actor: User, registrant_id: int, values: Mapping[str, Any], sample: object = None,
                   deposit: object = None) -> DataProduct:
    registrant = access_organisation(actor, registrant_id)
    if not registrant.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet.") % {"name": registrant.name})
    errors = FieldErrors()
    read = ProductInput.parse(values, errors=errors, fingerprint_required=deposit is None)
    if sample is None:
        errors.add("sample", _("Attach a sample of the data."))
    checked_sample, computed = _files(read, sample=sample, deposit=deposit, errors=errors)
    errors.raise_if_any()
    fields = read.fields()
    if computed is not None:
        fields["fingerprint"] = computed[0]
    product = DataProduct.objects.create(registrant=registrant, created_by=actor,
                                         fingerprint_computed=computed is not None, **fields)
    _keep(product, checked_sample, deposit, computed)
    DATA_PRODUCT.record(product, "create", actor=actor, acting_for=registrant, from_status="")
    return product


@transaction.atomic
def product_update(*, actor: User, product_id: int, values: Mapping[str, Any], sample: object = None,
                   deposit: object = None) -> DataProduct:
    product = DATA_PRODUCT.lock(product_id)
    DATA_PRODUCT.check(product, "edit", actor)
    errors = FieldErrors()
    read = ProductInput.parse(values, errors=errors, fingerprint_required=deposit is None)
    checked_sample, computed = _files(read, sample=sample, deposit=deposit, errors=errors)
    errors.raise_if_any()
    fields = read.fields()
    if computed is not None:
        fields["fingerprint"] = computed[0]
    for name, value in fields.items():
        setattr(product, name, value)
    product.fingerprint_computed = computed is not None or (
        product.fingerprint_computed and product.fingerprint == fields["fingerprint"])
    DATA_PRODUCT.transition(product, "edit", actor=actor, fields=[*fields, "fingerprint_computed"], check=False)
    _keep(product, checked_sample, deposit, computed)
    return product


@transaction.atomic
def product_submit(*, actor: User, product_id: int) -> DataProduct:
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, "submit", actor)
    if not Sample.objects.filter(product=product).exists():
        raise ValidationFailed.for_field("sample", _("Attach a sample of the data."))
    today = timezone.localdate()
    if product.registration_number:
        # A returned application keeps its year and sequence; its source may have changed.
        year, sequence = int(product.registration_number[:4]), int(product.registration_number[7:15])
    else:
        year, sequence = today.year, next_value(f"registration:{today.year}")
    product.registration_number = numbers.registration_number(
        year=year, source_code=product.source, registrant_kind=product.registrant.kind, sequence=sequence)
    product.submitted_at = timezone.now()
    product.step_due_on = add_working_days(today, review_days("formal"))
    DATA_PRODUCT.transition(product, "submit", actor=actor, acting_for=product.registrant, check=False,
                            fields=("registration_number", "submitted_at", "step_due_on"),
                            params={"number": product.registration_number, "due": product.step_due_on.isoformat()})
    return product


@transaction.atomic
def product_withdraw(*, actor: User, product_id: int) -> DataProduct:
    product = DATA_PRODUCT.lock(product_id)
    DATA_PRODUCT.check(product, "withdraw", actor)
    product.step_due_on = None
    DATA_PRODUCT.transition(product, "withdraw", actor=actor, fields=("step_due_on",), check=False)
    return product
