"""Writes for listings: create and edit them, and take the steps of their workflow.

Each step goes through the table in ``ipx.listings.workflow``: the kernel locks the row,
checks the table and its guards, saves the new status, writes the event row (verb + params,
put into words when read) and announces the change after commit. Who may act at all (the
actions' ``who``) is answered first, as it always was: an outsider hears that they are no
member, not what state another seller's listing is in.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, is_member
from ipx.catalog.models import Asset
from ipx.catalog.rights import first_ended, may_have_ended, with_details
from ipx.catalog.services import assets_of
from ipx.core.errors import ValidationFailed
from ipx.core.inputs import UNSET
from ipx.listings.guards import asset_change_refusal, hold_refusal
from ipx.listings.inputs import ListingChanges, ListingInput
from ipx.listings.models import Listing, ListingAsset
from ipx.listings.workflow import LISTING, S, assets_on_offer_here_only
from ipx.notifications.services import notify

DEFAULT_OFFER_DAYS = 365
MAX_NOTE_LENGTH = 2000

# What an edit of a published listing may change without a new review, and what sends it
# back. Material: what is sold (the assets), how (the offer kinds) and on which terms (the
# price and its currency, the licence's terms, the trial and what is paid after it): a buyer
# relies on them, offers and deals are made on them, and the operator approved them. An edit
# that changes one of them takes the listing off the market until the operator approves it
# again. Cosmetic: the words about the offer (title, description), when the offer ends, and
# the non-disclosure terms that guard the seller's documents (an organisation that accepted
# earlier terms keeps the text it accepted); documents themselves are added and removed by
# their own services. Every field an edit can set is in exactly one of the two.
MATERIAL_FIELDS = frozenset({
    "asset_ids", "offer_kinds",
    "price_type", "price_amount", "price_max_amount", "currency",
    "licence_exclusivity", "licence_territory", "licence_field", "licence_term_months",
    "trial_months", "after_trial_fee_amount", "after_trial_royalty_percent",
})
COSMETIC_FIELDS = frozenset({"title", "description", "expires_on", "requires_nda", "nda_text"})


def _set_assets(listing: Listing, organisation: Organisation, asset_ids: tuple[int, ...]) -> None:
    assets = assets_of(organisation, list(asset_ids))
    by_id = {asset.pk: asset for asset in assets}
    listing.asset_links.all().delete()
    ListingAsset.objects.bulk_create([
        ListingAsset(listing=listing, asset=by_id[asset_id], position=index)
        for index, asset_id in enumerate(asset_ids)
    ])


def _locked(listing_id: int) -> Listing:
    return LISTING.lock(listing_id, related=("organisation",))


@transaction.atomic
def listing_create(*, organisation_id: int, actor: User, data: ListingInput) -> Listing:
    """A draft listing of assets held by the organisation. ``ListingInput.parse`` reads a
    form's or the API's values into ``data``."""
    organisation = access_organisation(actor, organisation_id)
    listing = Listing.objects.create(organisation=organisation, created_by=actor, **data.terms.columns())
    _set_assets(listing, organisation, data.asset_ids)
    LISTING.record(listing, "create", actor=actor, from_status="")
    return listing


@transaction.atomic
def listing_update(*, listing_id: int, actor: User, changes: ListingChanges) -> Listing:
    """Edit a draft, or a published listing (the search index follows). Fields the changes
    leave UNSET keep their values; the listing as it would be is checked as a whole. A
    published listing whose ``MATERIAL_FIELDS`` change goes back to review; its assets do not
    change while a registered guard (open offers) holds them."""
    listing = _locked(listing_id)
    LISTING.check(listing, "edit", actor)
    columns = changes.applied_to(listing).columns()
    changed = [name for name, value in columns.items() if value != getattr(listing, name)]
    for name, value in columns.items():
        setattr(listing, name, value)
    if changes.asset_ids is not UNSET:
        asset_ids = changes.asset_ids
        if list(asset_ids) != [link.asset_id for link in listing.asset_links.all()]:
            # Offers were made on these assets; apps above (deals) say whether any still is open.
            held = asset_change_refusal(listing)
            if held is not None:
                raise held.exception()
            changed.append("asset_ids")
        if listing.status == S.PUBLISHED:
            busy = assets_on_offer_here_only(listing, list(asset_ids))
            if busy is not None:
                raise busy.exception()
        _set_assets(listing, listing.organisation, asset_ids)
    material = listing.status == S.PUBLISHED and any(name in MATERIAL_FIELDS for name in changed)
    if material:
        # What a deal under way or an auction lot was agreed on stays as approved: a new review
        # would take the listing off the market under them and let it come back on new terms.
        held = hold_refusal(listing)
        if held is not None:
            raise held.exception()
        listing.submitted_at = timezone.now()
    listing.save()
    if material:
        # What was approved changed: off the market and into the review queue until the
        # operator approves it again (the search index and matches follow the status).
        LISTING.transition(listing, "edit_material", actor=actor, params={"fields": changed}, check=False)
    elif listing.status == S.PUBLISHED:
        # What the public sees changed: recorded (with the names of the fields) and announced.
        LISTING.transition(listing, "edit", actor=actor, params={"fields": changed}, check=False)
    return listing


@transaction.atomic
def listing_submit(*, listing_id: int, actor: User) -> Listing:
    listing = _locked(listing_id)
    listing.submitted_at = timezone.now()
    LISTING.transition(listing, "submit", actor=actor, fields=("submitted_at", "updated_at"))
    return listing


@transaction.atomic
def listing_approve(*, listing_id: int, operator: User, note: str = "") -> Listing:
    LISTING.admit("approve", None, operator)
    listing = _locked(listing_id)
    note = note.strip()
    listing.published_at = timezone.now()
    listing.review_note = note
    if listing.expires_on is None or listing.expires_on <= timezone.localdate():
        listing.expires_on = timezone.localdate() + timedelta(days=DEFAULT_OFFER_DAYS)
    LISTING.transition(listing, "approve", actor=operator, note=note,
                       fields=("published_at", "review_note", "expires_on", "updated_at"))
    _tell_seller(listing, "approved", operator, note=note)
    return listing


@transaction.atomic
def listing_reject(*, listing_id: int, operator: User, reason: str) -> Listing:
    LISTING.admit("reject", None, operator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say what the seller must change; they see this note."))
    if len(reason) > MAX_NOTE_LENGTH:
        raise ValidationFailed.for_field("reason", _("The note is too long: at most 2000 characters."))
    listing = _locked(listing_id)
    listing.review_note = reason
    LISTING.transition(listing, "reject", actor=operator, note=reason, fields=("review_note", "updated_at"))
    _tell_seller(listing, "rejected", operator, reason=reason)
    return listing


@transaction.atomic
def listing_recall(*, listing_id: int, actor: User, reason: str = "") -> Listing:
    """The seller (or an operator) takes a listing out of review, back to draft."""
    listing = _locked(listing_id)
    note = reason.strip()[:MAX_NOTE_LENGTH]
    LISTING.transition(listing, "recall", actor=actor, note=note, fields=("updated_at",))
    _tell_seller_if_taken_down(listing, actor, note)
    return listing


@transaction.atomic
def listing_withdraw(*, listing_id: int, actor: User, reason: str = "") -> Listing:
    """The seller (or an operator) takes a listing off the market; one still in review is
    recalled to draft."""
    listing = _locked(listing_id)
    name = "recall" if listing.status == S.SUBMITTED else "withdraw"
    note = reason.strip()[:MAX_NOTE_LENGTH]
    LISTING.transition(listing, name, actor=actor, note=note, fields=("updated_at",))
    _tell_seller_if_taken_down(listing, actor, note)
    return listing


def _tell_seller(listing: Listing, verb: str, actor: User | None, **params: str) -> None:
    """Notify the seller's members (not whoever took the step) of the exchange's step on their
    listing: approved, sent back, taken down, off the market by the clock (``notices``)."""
    notify(verb=f"listing.{verb}", params={"title": listing.title, **params},
           url=reverse("listings:detail", args=[listing.pk]), organisations=[listing.organisation], exclude=actor)


def _tell_seller_if_taken_down(listing: Listing, actor: User, reason: str) -> None:
    # A seller's own withdrawal needs no notice; an operator's (a revoked registration, say) does.
    if not is_member(actor, listing.organisation_id):
        _tell_seller(listing, "taken_down", actor, reason=reason)


@transaction.atomic
def listing_reopen(*, listing_id: int, actor: User) -> Listing:
    """A withdrawn or expired listing goes back to draft, to be edited and submitted again."""
    listing = _locked(listing_id)
    LISTING.transition(listing, "reopen", actor=actor, fields=("updated_at",))
    return listing


@transaction.atomic
def listing_delete(*, listing_id: int, actor: User) -> None:
    listing = _locked(listing_id)
    LISTING.check(listing, "delete", actor)
    listing.delete()


def listings_expire_due(*, today: date | None = None) -> int:
    """Take off the market the published listings whose offer period has ended, or one of
    whose rights has (``catalog.rights``: past its term, lapsed, its registration ended), and
    that nothing holds (``guards``); returns how many it took off."""
    today = today or timezone.localdate()
    rights_may_have_ended = Asset.objects.filter(may_have_ended(today))
    due = list(Listing.objects.filter(Q(expires_on__lt=today) | Q(asset_links__asset__in=rights_may_have_ended),
                                      status=S.PUBLISHED).distinct().order_by("pk").values_list("pk", flat=True))
    expired = 0
    for listing_id in due:
        with transaction.atomic():
            listing = _locked(listing_id)
            # A listing a deal or an auction lot still holds stays on offer until they end: off
            # the market, the deal could not be funded or completed (``ipx.deals``).
            if listing.status != S.PUBLISHED or hold_refusal(listing) is not None:
                continue
            ended = first_ended(with_details(Asset.objects.filter(listing_links__listing=listing)), today=today)
            if ended is not None:
                params = {"right_ended": ended.title, "status": ended.status_on(today)}
            elif listing.expires_on and listing.expires_on < today:
                params = {"expires_on": listing.expires_on.isoformat()}
            else:
                continue
            # The clock's step: the table says nobody takes it by hand, so its guard is not asked.
            LISTING.transition(listing, "expire", actor=None, params=params, fields=("updated_at",), check=False)
            _tell_seller(listing, "expired", None, **params)
            expired += 1
    return expired


# --- Changes that deals bring (called by the deals app, never from a page directly) ---------
# ``note`` is the deal's number; it is kept in the event's params, the history names the deal.

def _deal(note: str) -> dict[str, str]:
    return {"deal": note} if note else {}


@transaction.atomic
def listing_reserve(*, listing_id: int, actor: User | None, note: str = "") -> Listing:
    """A concluded deal is under way: the listing stays visible but is no longer on offer."""
    listing = _locked(listing_id)
    if listing.status == S.RESERVED:
        return listing
    LISTING.transition(listing, "reserve", actor=actor, params=_deal(note), fields=("updated_at",), check=False)
    return listing


@transaction.atomic
def listing_release_reservation(*, listing_id: int, actor: User | None, note: str = "") -> Listing:
    """The deal was cancelled: the listing is on offer again (or stays as it is if no longer reserved)."""
    listing = _locked(listing_id)
    if listing.status != S.RESERVED:
        return listing
    LISTING.transition(listing, "release", actor=actor, params=_deal(note), fields=("updated_at",), check=False)
    return listing


@transaction.atomic
def listing_mark_sold(*, listing_id: int, actor: User | None, note: str = "") -> Listing:
    listing = _locked(listing_id)
    LISTING.transition(listing, "sell", actor=actor, params=_deal(note), fields=("updated_at",), check=False)
    return listing
