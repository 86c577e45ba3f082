"""Business rule 5: members of an organisation that is not verified do not open listing
documents — on the pages or through the API — just as they may not accept a listing's
non-disclosure terms or make an inquiry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import Organisation
from ipx.core.errors import PermissionDenied
from ipx.deals.models import Thread
from ipx.deals.negotiation.threads import thread_open
from ipx.listings import documents, ndas, selectors
from ipx.listings.models import Listing, ListingDocument, NdaAcceptance
from ipx.listings.tests.files import pdf_bytes, published_listing, upload
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NDA = "接收方应对本专利技术资料严格保密。"


def unverified(member: Member) -> Member:
    Organisation.objects.filter(pk=member.organisation.pk).update(status=Organisation.Status.PENDING)
    member.organisation.refresh_from_db()
    return member


def not_yet(member: Member) -> str:
    return (f"{member.organisation.name} is not verified yet; it can open listing documents once the operator has "
            "verified it.")


def with_document(owner: Member, **fields: Any) -> tuple[Listing, ListingDocument]:
    listing = published_listing(owner, **fields)
    document = documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="检测报告",
                                              file=upload("test-report.pdf", pdf_bytes()))
    return listing, document


def state() -> tuple[Any, ...]:
    return (list(NdaAcceptance.objects.values_list("listing", "organisation")), Thread.objects.count(),
            list(ListingDocument.objects.values_list("pk", "title")))


def test_rule5_an_unverified_organisation_downloads_no_document_from_the_pages(owner: Member,
                                                                                buyer: Member) -> None:
    listing, document = with_document(owner)
    unverified(buyer)
    before = state()

    response = buyer.client.get(reverse("listing_documents:download", args=[document.pk]))

    assert response.status_code == 403
    assert not_yet(buyer) in response.content.decode()
    panel = buyer.client.get(reverse("negotiation:listing_panel", args=[listing.pk])).content.decode()
    assert not_yet(buyer) in panel and "检测报告" not in panel and 'id="nda"' not in panel
    assert state() == before


def test_rule5_an_unverified_organisation_downloads_no_document_through_the_api(owner: Member,
                                                                                 buyer: Member) -> None:
    listing, document = with_document(owner)
    unverified(buyer)
    before = state()

    download = buyer.client.get(f"/api/v1/listings/{listing.pk}/documents/{document.pk}")
    listed = buyer.client.get(f"/api/v1/listings/{listing.pk}/documents")

    assert (download.status_code, download.json()) == (403, {"error": {"code": "forbidden", "message": not_yet(buyer),
                                                                        "fields": {}}})
    assert (listed.status_code, listed.json()) == (200, {
        "listing_id": listing.pk, "requires_nda": False, "nda_text": "", "nda_accepted": False, "can_see": False,
        "count": 1, "documents": []})
    assert state() == before


def test_rule5_the_nda_and_inquiry_paths_refuse_the_same_organisation(owner: Member, buyer: Member) -> None:
    listing, document = with_document(owner, requires_nda=True, nda_text=NDA)
    unverified(buyer)
    before = state()

    with pytest.raises(PermissionDenied, match="is not verified yet; it can accept non-disclosure terms"):
        ndas.nda_accept(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk)
    with pytest.raises(PermissionDenied, match="is not verified yet; it can make inquiries"):
        thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk, message="你好")
    with pytest.raises(PermissionDenied) as refused:
        selectors.document_for_download(buyer.user, document.pk)

    assert refused.value.message == not_yet(buyer)
    assert state() == before


def test_rule5_an_acceptance_opens_nothing_once_the_organisation_is_no_longer_verified(
        owner: Member, buyer: Member) -> None:
    listing, document = with_document(owner, requires_nda=True, nda_text=NDA)
    ndas.nda_accept(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk)
    assert buyer.client.get(f"/api/v1/listings/{listing.pk}/documents/{document.pk}").status_code == 200
    unverified(buyer)
    before = state()

    response = buyer.client.get(f"/api/v1/listings/{listing.pk}/documents/{document.pk}")
    access, shown = selectors.listing_documents(buyer.user, listing.pk)

    assert (response.status_code, response.json()["error"]["message"]) == (403, not_yet(buyer))
    assert (access.can_see, access.needs_nda, shown) == (False, True, [])
    assert state() == before


def test_rule5_verification_opens_the_documents(owner: Member, buyer: Member, operator_client: Client) -> None:
    listing, document = with_document(owner)
    unverified(buyer)
    url = reverse("listing_documents:download", args=[document.pk])
    assert buyer.client.get(url).status_code == 403

    Organisation.objects.filter(pk=buyer.organisation.pk).update(status=Organisation.Status.VERIFIED)

    assert buyer.client.get(url).status_code == 200
    assert buyer.client.get(f"/api/v1/listings/{listing.pk}/documents/{document.pk}").status_code == 200
    # The seller's members and operators never depended on it.
    unverified(owner)
    assert (owner.client.get(url).status_code, operator_client.get(url).status_code) == (200, 200)
