"""Editions, their halls and zones, exhibitors with their booths, exhibits and events."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ipx.core.dates import day_out_of_range
from ipx.core.errors import Conflict, ValidationFailed
from ipx.core.validation import FieldErrors
from ipx.events import publish
from ipx.expo.inputs import EditionInput
from ipx.expo.models import Edition

# Published after commit when an edition is added or changed: public pages that show editions
# (the home page's year-round mode) are then rendered afresh.
EDITION_CHANGED = "expo.edition.changed"
# Addresses under /expo/ that are pages, not editions.
RESERVED_SLUGS = frozenset({"manage"})


def _others(editing: Edition | None) -> QuerySet[Edition]:
    rows = Edition.objects.all()
    return rows.exclude(pk=editing.pk) if editing is not None else rows


def _check_edition(data: EditionInput, *, editing: Edition | None) -> None:
    errors = FieldErrors()
    if not data.name.strip():
        errors.add("name", _("A name is required."))
    if not data.slug or slugify(data.slug) != data.slug:
        errors.add("slug", _("A short name of lower-case letters, digits and hyphens is required."))
    elif data.slug in RESERVED_SLUGS:
        errors.add("slug", _("“%(slug)s” names a page of the expo; choose another.") % {"slug": data.slug})
    elif _others(editing).filter(slug=data.slug).exists():
        errors.add("slug", _("Another edition is called “%(slug)s”.") % {"slug": data.slug})
    for field, day in (("start_date", data.start_date), ("end_date", data.end_date)):
        if refused := day_out_of_range(day):
            errors.add(field, refused)
    if data.end_date < data.start_date:
        errors.add("end_date", _("The last day comes before the first."))
    errors.raise_if_any()
    # Editions may not overlap: every day of the bulletin belongs to at most one edition.
    # The table is locked (every row) so two overlapping editions cannot both pass this check.
    overlapping = (_others(editing).select_for_update()
                   .filter(start_date__lte=data.end_date, end_date__gte=data.start_date)
                   .order_by("start_date").first())
    if overlapping is not None:
        message = _("These dates overlap %(name)s (%(start)s to %(end)s); editions may not overlap.") % {
            "name": overlapping.name, "start": overlapping.start_date.isoformat(),
            "end": overlapping.end_date.isoformat()}
        raise Conflict(message, fields={"start_date": message})


@transaction.atomic
def edition_create(*, data: EditionInput) -> Edition:
    _check_edition(data, editing=None)
    publish(EDITION_CHANGED, slug=data.slug)
    return Edition.objects.create(
        slug=data.slug, name=data.name.strip(), start_date=data.start_date, end_date=data.end_date,
        organisers=data.organisers.strip(), on_site=data.on_site, online=data.online, venue=data.venue.strip())


@transaction.atomic
def edition_update(*, edition_id: int, data: EditionInput) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    _check_edition(data, editing=edition)
    outside = edition.records.exclude(date__gte=data.start_date, date__lte=data.end_date)
    if outside.exists():
        raise ValidationFailed.for_field("start_date", _(
            "%(n)d records of this edition fall outside the new dates; move or delete them first.")
            % {"n": outside.count()})
    for name in ("slug", "name", "start_date", "end_date", "organisers", "on_site", "online", "venue"):
        setattr(edition, name, getattr(data, name))
    edition.save()
    publish(EDITION_CHANGED, slug=edition.slug)
    return edition
