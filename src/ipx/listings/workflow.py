"""A listing's life on the workflow kernel.

draft → submitted → published (operator review) → withdrawn / expired; a rejected review
sends the listing back to draft with the operator's note, and a seller may recall it from
review. An edit of a published listing's assets, price or terms sends it back to review.
Deals reserve a published listing, release it again or mark it sold; the clock expires it.
Withdrawn and expired listings reopen as drafts. While an unfinished deal or an auction lot
holds a listing (``guards.hold_refusal``), its seller does not withdraw, reopen, resubmit or
materially edit it, and the clock does not expire it.

The API's ``allowed_actions`` and the buttons of the listing page come from this table, and
the services in ``ipx.listings.services`` refuse exactly what it refuses.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.accounts.selectors import is_member
from ipx.catalog.rights import offer_refusal_message
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.workflow import Action, Attempt, Refusal, Workflow
from ipx.events import publish
from ipx.listings.guards import hold_refusal, offer_refusal
from ipx.listings.models import PUBLIC_STATUSES, Listing, ListingAsset, ListingEvent

S = Listing.Status
# Statuses in which an asset counts as on offer; an asset is in one such listing at a time.
ACTIVE_STATUSES = (S.SUBMITTED, S.PUBLISHED, S.RESERVED)


# --- Guards -----------------------------------------------------------------------------------

def _is_operator(attempt: Attempt) -> bool:
    return bool(getattr(attempt.actor, "is_operator", False))


def sellers_members(attempt: Attempt) -> Refusal | None:
    listing: Listing = attempt.subject
    if attempt.remember("member", lambda: is_member(attempt.actor, listing.organisation_id)):
        return None
    if not listing.is_public and not _is_operator(attempt):
        # Drafts, listings in review and withdrawn ones are not found by anyone else when read;
        # a refused write must not tell them apart either.
        return Refusal(_("No such listing."), error=NotFound)
    return Refusal(_("You are not a member of this organisation."), error=PermissionDenied)


def sellers_members_or_operators(attempt: Attempt) -> Refusal | None:
    return None if _is_operator(attempt) else sellers_members(attempt)


def operators_only(attempt: Attempt) -> Refusal | None:
    if _is_operator(attempt):
        return None
    return Refusal(_("Only operators may review listings."), error=PermissionDenied)


def seller_may_submit(attempt: Attempt) -> Refusal | None:
    organisation = attempt.subject.organisation
    if organisation.is_verified:
        return None
    return Refusal(_("%(name)s is not verified yet; listings can be submitted once the operator has verified it.")
                   % {"name": organisation.name}, error=PermissionDenied)


def assets_on_offer_here_only(listing: Listing, asset_ids: list[int]) -> Refusal | None:
    """A refusal when one of ``asset_ids`` is on offer in another active listing."""
    busy = (
        ListingAsset.objects.filter(asset_id__in=asset_ids, listing__status__in=ACTIVE_STATUSES)
        .exclude(listing_id=listing.pk)
        .select_related("asset")
        .first()
    )
    if busy is None:
        return None
    return Refusal(_("“%(asset)s” is already offered in listing #%(listing)d.")
                   % {"asset": busy.asset.title, "listing": busy.listing_id}, error=Conflict,
                   fields={"asset_ids": _("An asset is already on offer elsewhere.")})


def assets_ready(attempt: Attempt) -> Refusal | None:
    listing: Listing = attempt.subject
    # .all() reads the prefetched links of a listing read for a page or the API.
    asset_ids = [link.asset_id for link in listing.asset_links.all()]
    if not asset_ids:
        message = _("Add at least one asset before submitting.")
        return Refusal(message, error=ValidationFailed, fields={"asset_ids": message})
    return assets_on_offer_here_only(listing, asset_ids) or offer_refusal(listing) or rights_ended(asset_ids)


def assets_free(attempt: Attempt) -> Refusal | None:
    listing: Listing = attempt.subject
    return offer_refusal(listing) or rights_ended([link.asset_id for link in listing.asset_links.all()])


def rights_ended(asset_ids: list[int]) -> Refusal | None:
    """A refusal naming the first of the rights whose term or registration has ended
    (``catalog.rights``), after the apps' own checks (``offer_refusal``), whose words are theirs:
    the data-IP registry says why a registration no longer stands."""
    message = offer_refusal_message(asset_ids)
    return Refusal(message, error=Conflict, fields={"asset_ids": message}) if message else None


def seller_verified(attempt: Attempt) -> Refusal | None:
    if attempt.subject.organisation.is_verified:
        return None
    return Refusal(_("The seller is not verified; verify the organisation first."), error=Conflict)


def not_held(attempt: Attempt) -> Refusal | None:
    """An unfinished deal or an auction lot not yet ended holds the listing (``guards``): taking
    it off the market, or putting it back through a new review, would let it be sold twice."""
    found: Refusal | None = attempt.remember("hold", lambda: hold_refusal(attempt.subject))
    return found


def not_held_unless_operator(attempt: Attempt) -> Refusal | None:
    # The exchange may take a listing down whatever holds it (a right the registry revoked must
    # not stay on offer); the deals under way then stop (``ipx.deals``: no funding, no
    # completion off the market) and the listing is not reopened until they end. The seller
    # may not walk away from a deal or an auction this way.
    return None if _is_operator(attempt) else not_held(attempt)


def _only_drafts_never_published() -> Refusal:
    return Refusal(_("Only drafts that were never published can be deleted; withdraw it instead."), error=Conflict)


def never_published(attempt: Attempt) -> Refusal | None:
    return None if attempt.subject.published_at is None else _only_drafts_never_published()


def not_by_hand(attempt: Attempt) -> Refusal | None:
    """Steps that follow from a deal or from the calendar; their services take them without
    asking the table's guards, and nobody is offered them as an action."""
    return Refusal(_("This step follows from a deal or the calendar; nobody takes it by hand."),
                   error=PermissionDenied)


def through_an_edit(attempt: Attempt) -> Refusal | None:
    """A published listing goes back to review when an edit changes what it offers or its
    terms; ``listing_update`` takes that step, and nobody is offered it as an action."""
    return Refusal(_("A published listing goes back to review when its assets, price or terms are edited; nobody "
                     "takes this step by hand."), error=PermissionDenied)


# --- The table --------------------------------------------------------------------------------

def _cannot(listing: Listing, name: str, action: Action) -> Refusal:
    status = listing.get_status_display()
    if name == "edit":
        return Refusal(_("A listing that is %(status)s cannot be edited.") % {"status": status}, error=Conflict)
    if name == "delete":
        return _only_drafts_never_published()
    if name == "reject":
        return Refusal(_("Only listings awaiting review can be sent back."))
    return Refusal(_("A listing that is %(from)s cannot become %(to)s.")
                   % {"from": status, "to": S(str(action.target)).label})


def _announce(listing: Listing, previous: str, target: str) -> None:
    # What the public sees changed: the search index and the matches follow.
    if previous in PUBLIC_STATUSES or target in PUBLIC_STATUSES:
        publish("listing.changed", listing_id=listing.pk)


# ``who``: who may take the action at all, asked before anything else — an outsider hears
# that they are no member, a member that only operators review, never what state someone
# else's listing is in. The review's operators are asked before the row is read
# (``LISTING.admit("approve", None, operator)``).
LISTING: Workflow[Listing] = Workflow(
    name="listing",
    model=Listing,
    event_model=ListingEvent,
    actions={
        # Edits of a draft are not recorded; those of a published listing are, and announced.
        "edit": Action(sources=(S.DRAFT, S.PUBLISHED), who=(sellers_members,), publishes=("listing.changed",)),
        # An edit of a published listing's assets, price or terms (``services.MATERIAL_FIELDS``):
        # back to the review queue, off the market until approved again.
        "edit_material": Action(sources=(S.PUBLISHED,), target=S.SUBMITTED, who=(sellers_members,),
                                guards=(through_an_edit,)),
        "delete": Action(sources=(S.DRAFT,), who=(sellers_members,), guards=(never_published,)),
        "submit": Action(sources=(S.DRAFT,), target=S.SUBMITTED, who=(sellers_members,),
                         guards=(seller_may_submit, assets_ready, not_held)),
        "recall": Action(sources=(S.SUBMITTED,), target=S.DRAFT, who=(sellers_members_or_operators,)),
        "approve": Action(sources=(S.SUBMITTED,), target=S.PUBLISHED, who=(operators_only,),
                          guards=(seller_verified, assets_free),
                          publishes=("listing.published",)),
        "reject": Action(sources=(S.SUBMITTED,), target=S.DRAFT, who=(operators_only,)),
        "withdraw": Action(sources=(S.PUBLISHED, S.RESERVED), target=S.WITHDRAWN, who=(sellers_members_or_operators,),
                           guards=(not_held_unless_operator,)),
        "reopen": Action(sources=(S.WITHDRAWN, S.EXPIRED), target=S.DRAFT, who=(sellers_members,), guards=(not_held,)),
        "expire": Action(sources=(S.PUBLISHED,), target=S.EXPIRED, guards=(not_by_hand,)),
        "reserve": Action(sources=(S.PUBLISHED,), target=S.RESERVED, guards=(not_by_hand,)),
        "release": Action(sources=(S.RESERVED,), target=S.PUBLISHED, guards=(not_by_hand,)),
        "sell": Action(sources=(S.PUBLISHED, S.RESERVED), target=S.SOLD, guards=(not_by_hand,)),
    },
    refuse_status=_cannot,
    not_found=gettext_lazy("No such listing."),
    on_change=_announce,
)
