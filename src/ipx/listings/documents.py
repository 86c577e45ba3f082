"""Detailed documents of a listing (claims, test reports, drawings), added and removed by
the seller's members.

Files are checked by content (``ipx.core.uploads``) and stored under a generated name
(``ipx.core.files``); they are served only through views that check who asks, never from a
public media address. Who may read them, and the non-disclosure agreements that open them,
are in ``selectors`` and ``ndas``.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import Conflict, NotFound, ValidationFailed
from ipx.core.uploads import check_upload
from ipx.core.validation import FieldErrors, clean_text
from ipx.listings.models import Listing, ListingDocument
from ipx.listings.selectors import documents_of

MAX_DOCUMENTS = 30
# Documents can be added while the listing is prepared or on the market, not once it is over.
OPEN_STATUSES = (Listing.Status.DRAFT, Listing.Status.SUBMITTED, Listing.Status.PUBLISHED,
                 Listing.Status.RESERVED)


def _locked_listing_for_seller(actor: User, listing_id: int) -> Listing:
    listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    access_organisation(actor, listing.organisation_id)
    return listing


@transaction.atomic
def listing_document_add(*, listing_id: int, actor: User, title: str, file: IO[bytes] | Any) -> ListingDocument:
    """A member of the seller adds a PDF or picture to the listing."""
    listing = _locked_listing_for_seller(actor, listing_id)
    if listing.status not in OPEN_STATUSES:
        raise Conflict(_("Documents cannot be added to a listing that is %(status)s.")
                       % {"status": listing.get_status_display()})
    if documents_of(listing).count() >= MAX_DOCUMENTS:
        raise Conflict(_("A listing has at most %(n)d documents; remove one first.") % {"n": MAX_DOCUMENTS})
    errors = FieldErrors()
    clean_title = clean_text(title, field="title", errors=errors, max_length=200, required=False)
    checked = None
    if file is None:
        errors.add("file", _("Choose a file to upload."))
    else:
        try:
            checked = check_upload(file, field="file")
        except ValidationFailed as exc:
            errors.collect(exc)
    errors.raise_if_any()
    assert checked is not None
    document = ListingDocument(listing=listing, title=clean_title or checked.name.rpartition(".")[0] or checked.name,
                               uploaded_by=actor)
    # Stored last, so a refusal above leaves no file behind.
    document.store(checked)
    document.save()
    return document


@transaction.atomic
def listing_document_delete(*, document_id: int, actor: User) -> None:
    document = ListingDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    _locked_listing_for_seller(actor, document.listing_id)
    stored = document.file
    document.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: stored.delete(save=False))
