"""Reads of the data-IP register."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import is_member, memberships_of
from ipx.core.errors import NotFound, PermissionDenied
from ipx.dataip.models import Certificate, DataProduct, Evidence, Objection


def certificate_for(user: User, number: str) -> Certificate:
    """A certificate its registrant's members and the registry's operators may download."""
    certificate = Certificate.objects.select_related("product__registrant", "product__created_by").filter(
        number=number).first()
    if certificate is None or not (getattr(user, "is_operator", False) or (
            user.is_authenticated and is_member(user, certificate.product.registrant_id))):
        raise NotFound(_("No such certificate."))
    return certificate


# --- Data products ---------------------------------------------------------------------------

S = DataProduct.Status
# The reviewers' queues: the statuses each holds, oldest deadline first.
QUEUES: dict[str, tuple[str, ...]] = {"formal": (S.FORMAL_REVIEW,), "substantive": (S.SUBSTANTIVE_REVIEW,),
                                      "publicity": (S.PUBLICITY,), "changes": (S.CHANGE_REVIEW,)}


def products_of(user: User) -> QuerySet[DataProduct]:
    """The data products of the organisations ``user`` belongs to, newest first."""
    ids = memberships_of(user).values_list("organisation_id", flat=True)
    return DataProduct.objects.filter(registrant_id__in=ids).select_related("registrant").order_by("-pk")


def product_for(user: User, product_id: int) -> DataProduct:
    """A product its registrant's members and the registry's reviewers see (404 to anyone else)."""
    product = DataProduct.objects.select_related("registrant", "created_by").filter(pk=product_id).first()
    if product is None or not (getattr(user, "is_operator", False) or (
            user.is_authenticated and is_member(user, product.registrant_id))):
        raise NotFound(_("No such data product."))
    return product


def queue(name: str) -> QuerySet[DataProduct]:
    """A reviewers' queue (``QUEUES``), most urgent first; for operators only."""
    return (DataProduct.objects.filter(status__in=QUEUES[name]).select_related("registrant")
            .annotate(open_objections=Count("objections", filter=Q(objections__status=Objection.Status.OPEN)))
            .order_by(F("step_due_on").asc(nulls_last=True), "pk"))


def review_queues(user: User) -> dict[str, QuerySet[DataProduct]]:
    if not getattr(user, "is_operator", False):
        raise PermissionDenied(_("Only the registry's reviewers may do this."))
    return {name: queue(name) for name in QUEUES}


def in_publicity() -> QuerySet[DataProduct]:
    """Applications whose objection period runs today, the soonest to end first (public)."""
    return (DataProduct.objects.filter(status=S.PUBLICITY, publicity_until__gte=timezone.localdate())
            .select_related("registrant").order_by("publicity_until", "pk"))


def public_product(product_id: int) -> DataProduct:
    """An application in publicity, as anyone may read it (404 once it has left publicity)."""
    product = DataProduct.objects.select_related("registrant").filter(pk=product_id, status=S.PUBLICITY).first()
    if product is None:
        raise NotFound(_("No such application in publicity."))
    return product


def objections_of(product: DataProduct) -> QuerySet[Objection]:
    return product.objections.select_related("objector", "organisation").prefetch_related("evidence")


def objection_for(user: User, objection_id: int) -> Objection:
    """An objection: its objector, the registrant's members and the reviewers (404 to others)."""
    objection = Objection.objects.select_related("product").filter(pk=objection_id).first()
    if objection is None or not (getattr(user, "is_operator", False) or objection.objector_id == user.pk or (
            user.is_authenticated and is_member(user, objection.product.registrant_id))):
        raise NotFound(_("No such objection."))
    return objection


def evidence_for(user: User, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound(_("No such file."))
    objection_for(user, evidence.objection_id)
    return evidence


def is_overdue(product: DataProduct) -> bool:
    return product.step_due_on is not None and product.step_due_on < timezone.localdate()
