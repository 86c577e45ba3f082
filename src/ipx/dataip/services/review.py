"""The registry's review: the formal check, then the substantive check (each may return the
application for changes or reject it, with the reviewer's note), publicity for a period of
working days during which anyone signed in may object with a reason and evidence, the
objections decided, and the registration granted (a certificate issued) or refused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import is_member
from ipx.core.errors import NotFound, PermissionDenied, ValidationFailed
from ipx.core.uploads import check_uploads
from ipx.core.validation import FieldErrors, clean_text
from ipx.dataip import notices
from ipx.dataip.models import DataProduct, Evidence, Objection
from ipx.dataip.services.applications import review_days
from ipx.dataip.services.certificates import grant
from ipx.dataip.workflow import DATA_PRODUCT
from ipx.dataip.working_days import add_working_days

S = DataProduct.Status


def objection_days() -> int:
    return int(getattr(settings, "IPX_DATAIP_OBJECTION_DAYS", 10))


def _note(value: object, *, required: bool, field: str = "note") -> str:
    errors = FieldErrors()
    text = clean_text(value, field=field, errors=errors, required=required, max_length=3000)
    errors.raise_if_any()
    return text


def _step(operator: User, product_id: int, action: str, *, note: object, required: bool, told: str,
          due_days: int | None = None, **changes: Any) -> DataProduct:
    """A reviewer's step, with its note; the registrant is told of it as ``told``."""
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, action, operator)
    text = _note(note, required=required)
    today = timezone.localdate()
    product.step_due_on = add_working_days(today, due_days) if due_days else None
    for name, value in changes.items():
        setattr(product, name, value)
    DATA_PRODUCT.transition(product, action, actor=operator, note=text, check=False,
                            fields=("step_due_on", *changes),
                            params={"due": product.step_due_on.isoformat()} if product.step_due_on else None)
    notices.tell(told, product, actor=operator, reason=text,
                 due=product.step_due_on.isoformat() if product.step_due_on else "",
                 until=product.publicity_until.isoformat() if product.publicity_until else "")
    return product


@transaction.atomic
def review_pass_formal(*, operator: User, product_id: int, note: object = "") -> DataProduct:
    return _step(operator, product_id, "pass_formal", note=note, required=False, told="formal_passed",
                 due_days=review_days("substantive"))


@transaction.atomic
def review_return(*, operator: User, product_id: int, note: object) -> DataProduct:
    """Back to the registrant with what to change (the note is required: it is the request)."""
    return _step(operator, product_id, "return", note=note, required=True, told="returned")


@transaction.atomic
def review_reject(*, operator: User, product_id: int, reason: object) -> DataProduct:
    return _step(operator, product_id, "reject", note=reason, required=True, told="rejected")


@transaction.atomic
def review_publish(*, operator: User, product_id: int, note: object = "") -> DataProduct:
    """Publish for objections from tomorrow until the period's last working day."""
    today = timezone.localdate()
    until = add_working_days(today, objection_days())
    return _step(operator, product_id, "publish", note=note, required=False, told="published",
                 due_days=objection_days(),
                 publicity_from=today, publicity_until=until)


@transaction.atomic
def objection_make(*, actor: User, product_id: int, reason: object, organisation_id: int | None = None,
                   evidence: Sequence[object] = ()) -> Objection:
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    if product.status != S.PUBLICITY:
        raise NotFound(_("No such application in publicity."))
    DATA_PRODUCT.check(product, "object", actor)
    if organisation_id is not None and not is_member(actor, organisation_id):
        raise PermissionDenied(_("You are not a member of this organisation."))
    errors = FieldErrors()
    text = clean_text(reason, field="reason", errors=errors, max_length=5000)
    checked = []
    if evidence:
        try:
            checked = check_uploads(list(evidence), field="evidence")
        except ValidationFailed as exc:
            errors.collect(exc)
    errors.raise_if_any()
    objection = Objection.objects.create(product=product, objector=actor, organisation_id=organisation_id,
                                         reason=text)
    for file in checked:
        kept = Evidence(objection=objection)
        kept.store(file)
        kept.save()
    DATA_PRODUCT.record(product, "object", actor=actor, params={"objection": objection.pk})
    notices.tell("objected", product, actor=actor, reason=text)
    return objection


@transaction.atomic
def objection_decide(*, operator: User, objection_id: int, uphold: bool, note: object) -> Objection:
    objection = Objection.objects.select_for_update().filter(pk=objection_id).first()
    if objection is None:
        raise NotFound(_("No such objection."))
    product = DATA_PRODUCT.lock(objection.product_id, related=("registrant",))
    objection.product = product
    DATA_PRODUCT.check(product, "decide_objection", operator)
    if objection.status != Objection.Status.OPEN:
        raise ValidationFailed.for_field("objection", _("This objection has been decided already."))
    objection.resolution = _note(note, required=True)
    objection.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
    objection.resolved_by, objection.resolved_at = operator, timezone.now()
    objection.save(update_fields=["resolution", "status", "resolved_by", "resolved_at"])
    DATA_PRODUCT.record(product, "uphold_objection" if uphold else "dismiss_objection", actor=operator,
                        note=objection.resolution, params={"objection": objection.pk})
    notices.tell_decided(objection, actor=operator)
    return objection


@transaction.atomic
def registration_grant(*, operator: User, product_id: int, note: object = "") -> DataProduct:
    product = DATA_PRODUCT.lock(product_id, related=("registrant",))
    DATA_PRODUCT.check(product, "grant", operator)
    if product.objections.filter(status=Objection.Status.UPHELD).exists():
        raise ValidationFailed.for_field("objections", _(
            "An objection was upheld: refuse the registration, or decide the objection differently first."))
    text = _note(note, required=False)
    product.step_due_on, product.granted_at = None, timezone.now()
    certificate = grant(product, operator)
    DATA_PRODUCT.transition(product, "grant", actor=operator, note=text, check=False,
                            fields=("step_due_on", "granted_at", "asset"),
                            params={"certificate": certificate.number})
    notices.tell("granted", product, actor=operator, certificate=certificate.number)
    return product


@transaction.atomic
def registration_refuse(*, operator: User, product_id: int, reason: object) -> DataProduct:
    return _step(operator, product_id, "refuse", note=reason, required=True, told="refused")
