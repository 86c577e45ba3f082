"""The exhibition of an edition: halls and zones and events (operators), exhibitors registering
with their booth, what they exhibit, the viewers of a live stream, the agreements signed at a
ceremony (each also an ``intended`` record, so the bulletin reads one source)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.regions import RegionKind
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.validation import FieldErrors
from ipx.expo.inputs import MAX_RIGHTS_INVOLVED, to_fen
from ipx.expo.models import Edition, Event, Exhibit, Exhibitor, ExpoRecord, Hall, IpType, Origin, Signing, Zone
from ipx.expo.notices import tell_booth
from ipx.expo.services.records import changed
from ipx.listings.models import Listing


def require_operator(actor: User) -> None:
    if not getattr(actor, "is_operator", False):
        raise PermissionDenied(_("Only the expo's operators may do this."))


def _edition(edition_id: int) -> Edition:
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        raise NotFound(_("No such expo edition."))
    return edition


def _slug(value: str, name: str, errors: FieldErrors) -> str:
    slug = value.strip()
    if not slug:
        errors.add("name" if not name.strip() else "slug", _("A name is required."))
    elif slugify(slug) != slug:
        errors.add("slug", _("A short name of lower-case letters, digits and hyphens is required."))
    return slug


@transaction.atomic
def hall_create(*, operator: User, edition_id: int, name: str, slug: str, description: str = "",
                position: int = 0) -> Hall:
    require_operator(operator)
    edition = _edition(edition_id)
    errors = FieldErrors()
    slug = _slug(slug or slugify(name)[:60].rstrip("-"), name, errors)
    if edition.halls.filter(slug=slug).exists():
        errors.add("slug", _("This edition has a hall called “%(slug)s” already.") % {"slug": slug})
    errors.raise_if_any()
    return Hall.objects.create(edition=edition, name=name.strip(), slug=slug, description=description.strip(),
                               position=position)


@transaction.atomic
def zone_create(*, operator: User, edition_id: int, name: str, slug: str, kind: str, hall_id: int | None = None,
                description: str = "") -> Zone:
    require_operator(operator)
    edition = _edition(edition_id)
    errors = FieldErrors()
    slug = _slug(slug or slugify(name)[:60].rstrip("-"), name, errors)
    if edition.zones.filter(slug=slug).exists():
        errors.add("slug", _("This edition has a zone called “%(slug)s” already.") % {"slug": slug})
    if kind not in Zone.Kind.values:
        errors.add("kind", _("Choose a kind of zone."))
    hall = edition.halls.filter(pk=hall_id).first() if hall_id else None
    if hall_id and hall is None:
        errors.add("hall_id", _("That hall is not in this edition."))
    errors.raise_if_any()
    return Zone.objects.create(edition=edition, hall=hall, name=name.strip(), slug=slug, kind=kind,
                               description=description.strip())


def origin_of(organisation: Organisation) -> tuple[str, str]:
    """The origin the bulletin counts an organisation under, and its country if overseas."""
    if organisation.region_kind == RegionKind.MAINLAND:
        return Origin.MAINLAND, ""
    if organisation.region_kind == RegionKind.OVERSEAS:
        return Origin.OVERSEAS, organisation.country.upper()
    return Origin.HK_MACAO_TW, ""


@transaction.atomic
def exhibitor_register(*, actor: User, edition_id: int, organisation_id: int, online: bool = True,
                       on_site: bool = False, introduction: str = "") -> Exhibitor:
    """An organisation registers for an edition (by its members, or an operator for it)."""
    edition = _edition(edition_id)
    if actor.is_operator:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise NotFound(_("No such organisation."))
    else:
        organisation = access_organisation(actor, organisation_id)
    if edition.end_date < timezone.localdate() and not actor.is_operator:
        raise Conflict(_("%(edition)s has ended; registration is closed.") % {"edition": edition.name})
    if not organisation.is_verified:
        raise PermissionDenied.for_field("organisation_id", _(
            "Only verified organisations exhibit; %(organisation)s is not verified yet.")
            % {"organisation": organisation.name})
    if not (online or on_site):
        raise ValidationFailed.for_field("online", _("Exhibit online, on site, or both."))
    if on_site and not edition.on_site:
        raise ValidationFailed.for_field("on_site", _("This edition is held online only."))
    if edition.exhibitors.filter(organisation=organisation).exists():
        raise Conflict(_("%(organisation)s is registered in this edition already.")
                       % {"organisation": organisation.name})
    origin, country = origin_of(organisation)
    if origin == Origin.OVERSEAS and not country:
        raise ValidationFailed.for_field("organisation_id", _(
            "The organisation's profile names no country; add it before registering as an overseas exhibitor."))
    return Exhibitor.objects.create(edition=edition, organisation=organisation, origin=origin, country=country,
                                    online=online, on_site=on_site, introduction=introduction.strip())


@transaction.atomic
def booth_assign(*, operator: User, exhibitor_id: int, hall_id: int | None, booth: str) -> Exhibitor:
    require_operator(operator)
    exhibitor = Exhibitor.objects.select_for_update().filter(pk=exhibitor_id).first()
    if exhibitor is None:
        raise NotFound(_("No such exhibitor."))
    booth = booth.strip().upper()
    errors = FieldErrors()
    hall = exhibitor.edition.halls.filter(pk=hall_id).first() if hall_id else None
    if hall_id and hall is None:
        errors.add("hall_id", _("That hall is not in this edition."))
    if len(booth) > 20:
        errors.add("booth", _("A booth number has at most 20 characters."))
    elif booth and exhibitor.edition.exhibitors.filter(booth=booth).exclude(pk=exhibitor.pk).exists():
        errors.add("booth", _("Booth %(booth)s is taken.") % {"booth": booth})
    errors.raise_if_any()
    before = (exhibitor.hall_id, exhibitor.booth)
    exhibitor.hall, exhibitor.booth = hall, booth
    exhibitor.save(update_fields=["hall", "booth"])
    if (exhibitor.hall_id, exhibitor.booth) != before:
        tell_booth(exhibitor, actor=operator)
    return exhibitor


def _rights_involved(kind: str, ip_type: str, counts: dict[str, int], errors: FieldErrors) -> None:
    """A right has its IP type and involves no other rights; a product has no type of its own
    and involves at least one patent, trademark or copyright, each counted 0 to the most taken."""
    if kind == Exhibit.Kind.RIGHT:
        if ip_type not in IpType.values:
            errors.add("ip_type", _("Choose an IP type."))
        for field, count in counts.items():
            if count:
                errors.add(field, _("Only a product involves rights of its own; a right's number is 0."))
        return
    if ip_type:
        errors.add("ip_type", _("A product has no IP type of its own: give the rights it involves."))
    for field, count in counts.items():
        if count < 0:
            errors.add(field, _("A number of rights is 0 or more."))
        elif count > MAX_RIGHTS_INVOLVED:
            errors.add(field, _("A product involves at most %(n)s rights of a kind.")
                       % {"n": f"{MAX_RIGHTS_INVOLVED:,}"})
    if not any(counts.values()) and not errors:
        errors.add("patents", _("A product involves at least one patent, trademark or copyright."))


@transaction.atomic
def exhibit_add(*, actor: User, exhibitor_id: int, title: str, ip_type: str = "", zone_id: int | None = None,
                listing_id: int | None = None, kind: str = Exhibit.Kind.RIGHT, patents: int = 0,
                trademarks: int = 0, copyrights: int = 0) -> Exhibit:
    """An exhibitor shows, in its booth or a zone, a right of ``ip_type`` (a listing of its own,
    published, or a GI product), or (``kind`` "product") a product that embodies IP with the
    number of ``patents``, ``trademarks`` and ``copyrights`` it involves."""
    exhibitor = Exhibitor.objects.select_related("edition").filter(pk=exhibitor_id).first()
    if exhibitor is None:
        raise NotFound(_("No such exhibitor."))
    if not actor.is_operator:
        access_organisation(actor, exhibitor.organisation_id)
    errors = FieldErrors()
    if kind not in Exhibit.Kind.values:
        errors.add("kind", _("Choose a right or a product."))
    else:
        _rights_involved(kind, ip_type, {"patents": patents, "trademarks": trademarks, "copyrights": copyrights},
                         errors)
    zone = exhibitor.edition.zones.filter(pk=zone_id).first() if zone_id else None
    if zone_id and zone is None:
        errors.add("zone_id", _("That zone is not in this edition."))
    listing = None
    if listing_id:
        listing = Listing.objects.filter(pk=listing_id, organisation_id=exhibitor.organisation_id,
                                         status=Listing.Status.PUBLISHED).first()
        if listing is None:
            errors.add("listing_id", _("Only the exhibitor's own published listings can be shown."))
    title = (title.strip() or (listing.title if listing else ""))[:200]
    if not title:
        errors.add("title", _("A title is required."))
    errors.raise_if_any()
    return Exhibit.objects.create(edition=exhibitor.edition, exhibitor=exhibitor, zone=zone, kind=kind,
                                  ip_type=ip_type, title=title, listing=listing, patents=patents,
                                  trademarks=trademarks, copyrights=copyrights)


@dataclass(frozen=True)
class EventInput:
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    hall_id: int | None = None
    stream_url: str = ""


@transaction.atomic
def event_create(*, operator: User, edition_id: int, data: EventInput) -> Event:
    require_operator(operator)
    edition = _edition(edition_id)
    errors = FieldErrors()
    if data.kind not in Event.Kind.values:
        errors.add("kind", _("Choose a kind of event."))
    if not data.title.strip():
        errors.add("title", _("A title is required."))
    if data.ends_at < data.starts_at:
        errors.add("ends_at", _("The event ends before it starts."))
    days = (timezone.localtime(data.starts_at).date(), timezone.localtime(data.ends_at).date())
    if not all(edition.start_date <= day <= edition.end_date for day in days):
        errors.add("starts_at", _("Events are held within the edition's dates (%(start)s to %(end)s).")
                   % {"start": edition.start_date.isoformat(), "end": edition.end_date.isoformat()})
    hall = edition.halls.filter(pk=data.hall_id).first() if data.hall_id else None
    if data.hall_id and hall is None:
        errors.add("hall_id", _("That hall is not in this edition."))
    if data.kind == Event.Kind.LIVE_STREAM and not data.stream_url.startswith(("https://", "http://")):
        errors.add("stream_url", _("A live stream needs its link (https://…)."))
    errors.raise_if_any()
    return Event.objects.create(edition=edition, kind=data.kind, title=data.title.strip(),
                                description=data.description.strip(), starts_at=data.starts_at,
                                ends_at=data.ends_at, hall=hall, stream_url=data.stream_url.strip())


@transaction.atomic
def viewers_record(*, operator: User, event_id: int, viewers: int) -> Event:
    """How many watched a live stream, entered once it has ended."""
    require_operator(operator)
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("No such event."))
    if event.kind != Event.Kind.LIVE_STREAM:
        raise ValidationFailed.for_field("viewers", _("Only live streams have viewers to count."))
    if event.ends_at > timezone.now():
        raise ValidationFailed.for_field("viewers", _("Viewers are counted once the stream has ended."))
    if viewers < 0:
        raise ValidationFailed.for_field("viewers", _("A number of viewers is 0 or more."))
    event.viewer_count = viewers
    event.save(update_fields=["viewer_count"])
    return event


@dataclass(frozen=True)
class SigningInput:
    parties: tuple[str, ...]
    ip_type: str
    amount: Decimal
    currency: str = "CNY"
    fx_rate_to_cny: Decimal = Decimal(1)
    subject: str = ""


@transaction.atomic
def signing_add(*, operator: User, event_id: int, data: SigningInput) -> Signing:
    """An agreement signed at a ceremony; it is counted as an intended agreement of the edition."""
    require_operator(operator)
    event = Event.objects.select_related("edition").filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("No such event."))
    if event.kind != Event.Kind.SIGNING:  # the event's kind, not the request, refuses it
        raise Conflict(_("Agreements are signed at signing ceremonies."))
    errors = FieldErrors()
    parties = [p.strip() for p in data.parties if p.strip()]
    if len(parties) < 2:
        errors.add("parties", _("An agreement has at least two parties, one a line."))
    if data.ip_type not in IpType.values:
        errors.add("ip_type", _("Choose an IP type."))
    if data.amount < 0:
        errors.add("amount", _("An amount cannot be negative."))
    if data.currency != "CNY" and data.fx_rate_to_cny <= 0:
        errors.add("fx_rate_to_cny", _("An exchange rate to CNY is required for an amount in %(currency)s.")
                   % {"currency": data.currency})
    errors.raise_if_any()
    rate = data.fx_rate_to_cny if data.currency != "CNY" else Decimal(1)
    signing = Signing.objects.create(event=event, parties="\n".join(parties), subject=data.subject.strip(),
                                     ip_type=data.ip_type, amount=data.amount, currency=data.currency,
                                     fx_rate_to_cny=rate)
    day = timezone.localtime(event.starts_at).date()
    ExpoRecord.objects.create(
        ref=f"signing:{signing.pk}", edition=event.edition, date=day, kind=ExpoRecord.Kind.INTENDED,
        ip_type=data.ip_type, amount=data.amount, currency=data.currency, fx_rate_to_cny=rate,
        amount_cny=to_fen(data.amount * rate), evidence=f"{event.title}: {'; '.join(parties)}", signing=signing,
        recorded_by=operator)
    changed([(event.edition_id, day)])
    return signing
