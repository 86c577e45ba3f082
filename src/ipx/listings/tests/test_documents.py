"""Listing documents: the seller adds them; behind an NDA they stay hidden (names and
downloads) until a member organisation accepts its terms; the seller and operators always
see them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.listings import documents, ndas, selectors
from ipx.listings import services as listing_services
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing, ListingDocument, NdaAcceptance
from ipx.listings.tests.files import pdf_bytes, png_bytes, published_listing, upload
from ipx.notifications.models import Notification
from ipx.testing.factories import UserFactory, listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NDA = "接收方应对本专利技术资料严格保密，不得向第三方披露。"


@pytest.fixture
def secret(owner: Member) -> Listing:
    """A published listing whose one document (a PDF) is behind an NDA."""
    listing = published_listing(owner, requires_nda=True, nda_text=NDA)
    documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="检测报告",
                                   file=upload("test-report.pdf", pdf_bytes()))
    return listing


def api_get(client: Client, path: str) -> tuple[int, Any]:
    response = client.get(f"/api/v1{path}")
    is_json = response.get("Content-Type", "").startswith("application/json")
    return response.status_code, response.json() if is_json else response


# --- Adding documents ------------------------------------------------------------------------

def test_the_seller_adds_and_removes_documents(owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user)  # a draft: documents may come before review
    png = png_bytes()

    document = documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title=" ",
                                              file=upload("附图 1.png", png))

    assert (document.title, document.original_name, document.content_type, document.size) == (
        "附图 1", "附图 1.png", "image/png", len(png))
    assert re.fullmatch(rf"listing-documents/{timezone.now():%Y/%m}/[0-9a-f]{{32}}\.png", document.file.name)
    stored = Path(settings.IPX_PRIVATE_ROOT) / document.file.name
    assert stored.read_bytes() == png

    documents.listing_document_delete(document_id=document.pk, actor=owner.user)

    assert ListingDocument.objects.count() == 0


def test_refused_documents_leave_nothing(owner: Member, buyer: Member) -> None:
    listing = published_listing(owner)
    with pytest.raises(ValidationFailed) as refused:
        documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="报告",
                                       file=upload("report.pdf", png_bytes()))
    assert refused.value.fields == {"file": "report.pdf is not a PDF file."}
    with pytest.raises(PermissionDenied):
        documents.listing_document_add(listing_id=listing.pk, actor=buyer.user, title="报告",
                                       file=upload("report.pdf", pdf_bytes()))
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.SOLD)
    with pytest.raises(Conflict, match="cannot be added"):
        documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="报告",
                                       file=upload("report.pdf", pdf_bytes()))
    assert ListingDocument.objects.count() == 0
    private = Path(settings.IPX_PRIVATE_ROOT)
    assert not private.exists() or not [p for p in private.rglob("*") if p.is_file()]


def test_the_nda_needs_its_terms(owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user)
    with pytest.raises(ValidationFailed) as refused:
        listing_services.listing_update(listing_id=listing.pk, actor=owner.user,
                                        changes=ListingChanges(requires_nda=True))
    assert "non-disclosure terms" in refused.value.fields["nda_text"]

    listing_services.listing_update(listing_id=listing.pk, actor=owner.user,
                                    changes=ListingChanges(requires_nda=True, nda_text=NDA))
    listing.refresh_from_db()
    assert (listing.requires_nda, listing.nda_text) == (True, NDA)


# --- Who sees them -----------------------------------------------------------------------------

def test_without_an_nda_every_member_sees_the_documents(owner: Member, buyer: Member) -> None:
    listing = published_listing(owner)
    documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="说明书",
                                   file=upload("spec.pdf", pdf_bytes()))

    access, shown = selectors.listing_documents(buyer.user, listing.pk)

    assert (access.can_see, [d.title for d in shown]) == (True, ["说明书"])
    # A signed-in person without an organisation does not.
    access, shown = selectors.listing_documents(UserFactory.create(), listing.pk)
    assert (access.can_see, shown) == (False, [])


def test_behind_an_nda_the_documents_are_hidden_until_accepted(secret: Listing, buyer: Member, owner: Member,
                                                                operator: User) -> None:
    document = ListingDocument.objects.get()
    access, shown = selectors.listing_documents(buyer.user, secret.pk)
    assert (access.needs_nda, access.can_see, shown) == (True, False, [])
    with pytest.raises(PermissionDenied, match="Accept this listing's non-disclosure agreement"):
        selectors.document_for_download(buyer.user, document.pk)
    # The seller's own members and operators always see them.
    assert selectors.listing_documents(owner.user, secret.pk)[1] == [document]
    assert selectors.listing_documents(operator, secret.pk)[1] == [document]

    acceptance = ndas.nda_accept(listing_id=secret.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                 ip_address="203.0.113.9")

    assert (acceptance.listing, acceptance.organisation, acceptance.user, acceptance.nda_text,
            acceptance.ip_address) == (secret, buyer.organisation, buyer.user, NDA, "203.0.113.9")
    assert acceptance.accepted_at is not None
    assert selectors.listing_documents(buyer.user, secret.pk)[1] == [document]
    assert selectors.document_for_download(buyer.user, document.pk) == document
    assert list(Notification.objects.filter(verb="nda.accepted").values_list("user__email", flat=True)) == [
        "owner@example.com"]
    notice = Notification.objects.get(verb="nda.accepted")
    assert (notice.params, notice.title) == ({"name": buyer.organisation.name, "title": secret.title},
                                             f"{buyer.organisation.name} accepted the NDA of “{secret.title}”")


def test_the_accepted_text_is_kept_when_the_terms_change(secret: Listing, buyer: Member, owner: Member) -> None:
    ndas.nda_accept(listing_id=secret.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                    ip_address="not an address")
    listing_services.listing_update(listing_id=secret.pk, actor=owner.user,
                                    changes=ListingChanges(nda_text="新的保密条款"))

    again = ndas.nda_accept(listing_id=secret.pk, actor=buyer.user, organisation_id=buyer.organisation.pk)

    assert NdaAcceptance.objects.count() == 1
    assert (again.nda_text, again.ip_address) == (NDA, None)


def test_refused_acceptances(secret: Listing, owner: Member, buyer: Member, outsider: Member) -> None:
    plain = published_listing(owner)
    draft = listing_with_patent(owner.organisation, owner.user, requires_nda=True, nda_text=NDA)

    with pytest.raises(Conflict, match="need no non-disclosure agreement"):
        ndas.nda_accept(listing_id=plain.pk, actor=buyer.user, organisation_id=buyer.organisation.pk)
    with pytest.raises(Conflict, match="does not accept its own"):
        ndas.nda_accept(listing_id=secret.pk, actor=owner.user, organisation_id=owner.organisation.pk)
    with pytest.raises(PermissionDenied, match="not a member"):
        ndas.nda_accept(listing_id=secret.pk, actor=outsider.user, organisation_id=buyer.organisation.pk)
    with pytest.raises(NotFound):
        ndas.nda_accept(listing_id=draft.pk, actor=buyer.user, organisation_id=buyer.organisation.pk)

    assert NdaAcceptance.objects.count() == 0


# --- Downloads through the pages and the API ---------------------------------------------------

def test_the_download_view_checks_access(secret: Listing, buyer: Member, owner: Member,
                                        operator_client: Client) -> None:
    document = ListingDocument.objects.get()
    url = reverse("listing_documents:download", args=[document.pk])

    refused = buyer.client.get(url)
    assert refused.status_code == 403
    assert "Accept this listing&#x27;s non-disclosure agreement" in refused.content.decode()
    assert Client().get(url).status_code == 302  # to the login page

    for client in (owner.client, operator_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="test-report.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert isinstance(response, FileResponse)
        assert b"".join(response.streaming_content) == pdf_bytes()

    buyer.client.post(reverse("listing_documents:nda_accept", args=[secret.pk]), REMOTE_ADDR="198.51.100.4")
    assert NdaAcceptance.objects.get().ip_address == "198.51.100.4"
    assert buyer.client.get(url).status_code == 200


def test_the_pages_keep_their_addresses_and_go_back_where_they_were_asked(secret: Listing, buyer: Member,
                                                                          outsider: Member) -> None:
    document = ListingDocument.objects.get()
    assert (reverse("listing_documents:download", args=[document.pk]),
            reverse("listing_documents:nda_accept", args=[secret.pk])) == (
        f"/negotiations/documents/{document.pk}/", f"/negotiations/listings/{secret.pk}/nda/")
    url = reverse("listing_documents:nda_accept", args=[secret.pk])
    detail = reverse("listings:detail", args=[secret.pk])

    # Somewhere else than this site is not followed.
    elsewhere = outsider.client.post(url, {"next": "https://elsewhere.example/"})
    back = buyer.client.post(url, {"next": f"/negotiations/listings/{secret.pk}/"})

    assert (elsewhere.status_code, elsewhere["Location"]) == (302, detail)
    assert (back.status_code, back["Location"]) == (302, f"/negotiations/listings/{secret.pk}/")
    # Both accepted (any verified member organisation may): the address only says where to go next.
    assert sorted(NdaAcceptance.objects.values_list("organisation", flat=True)) == sorted(
        [outsider.organisation.pk, buyer.organisation.pk])


def test_the_api_hides_names_until_the_nda_is_accepted(secret: Listing, buyer: Member) -> None:
    document = ListingDocument.objects.get()
    status, body = api_get(buyer.client, f"/listings/{secret.pk}/documents")
    assert status == 200
    assert body == {"listing_id": secret.pk, "requires_nda": True, "nda_text": NDA, "nda_accepted": False,
                    "can_see": False, "count": 1, "documents": []}
    status, body = api_get(buyer.client, f"/listings/{secret.pk}/documents/{document.pk}")
    assert status == 403
    assert body["error"]["code"] == "forbidden"

    response = buyer.client.post(f"/api/v1/listings/{secret.pk}/nda", {"organisation_id": buyer.organisation.pk},
                                 content_type="application/json")
    assert response.status_code == 200
    assert response.json()["nda_text"] == NDA

    status, body = api_get(buyer.client, f"/listings/{secret.pk}/documents")
    assert body["can_see"] is True
    assert [(d["title"], d["name"]) for d in body["documents"]] == [("检测报告", "test-report.pdf")]
    status, _response = api_get(buyer.client, f"/listings/{secret.pk}/documents/{document.pk}")
    assert status == 200


def test_uploads_through_the_api_and_the_page(owner: Member, buyer: Member) -> None:
    listing = published_listing(owner)
    url = f"/api/v1/listings/{listing.pk}/documents"

    response = owner.client.post(url, {"title": "附图", "file": upload("fig.png", png_bytes())})
    assert response.status_code == 201
    assert (response.json()["title"], response.json()["name"]) == ("附图", "fig.png")

    response = owner.client.post(url, {"file": upload("report.pdf", png_bytes())})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": "report.pdf is not a PDF file."}
    assert buyer.client.post(url, {"file": upload("x.pdf", pdf_bytes())}).status_code == 403

    page = reverse("listings:documents", args=[listing.pk])
    response = owner.client.post(page, {"title": "", "file": upload("fake.pdf", png_bytes())})
    assert response.status_code == 400
    assert "fake.pdf is not a PDF file." in response.content.decode()
    response = owner.client.post(page, {"title": "说明书", "file": upload("spec.pdf", pdf_bytes())})
    assert (response.status_code, response["Location"]) == (302, page)
    assert list(ListingDocument.objects.values_list("title", flat=True)) == ["附图", "说明书"]
    assert buyer.client.get(page).status_code == 403

    document = ListingDocument.objects.get(title="附图")
    assert owner.client.delete(f"{url}/{document.pk}").status_code == 204
    removal = reverse("listings:document_delete", args=[listing.pk, ListingDocument.objects.get().pk])
    assert buyer.client.post(removal).status_code == 302  # refused with a message on the page
    assert ListingDocument.objects.count() == 1
    assert owner.client.post(removal).status_code == 302
    assert ListingDocument.objects.count() == 0
