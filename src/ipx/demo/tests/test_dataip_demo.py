"""The demo's data IP, on a sample load: a dozen data products of Guangdong members in every
state, an objection on one in publicity, signed certificates that check, one registration
listed for licence and found as data IP, one revoked and one cancelled; the registry's key
made when the installation had none."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import Organisation
from ipx.catalog.models import Asset
from ipx.dataip import signing
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services.certificates import export
from ipx.dataip.signing import Verdict
from ipx.demo.dataip import PLANS
from ipx.demo.loader import demo_counts, load_demo
from ipx.listings.models import Listing
from ipx.search.query import SearchQuery
from ipx.search.selectors import search_listings

# What the sample holds is the loader's arithmetic, the same on either database; test_loader's
# sample loads on PostgreSQL run the same code (ipx.testing.database_pass).
pytestmark = [pytest.mark.django_db, pytest.mark.once]
S = DataProduct.Status


def test_the_demo_has_data_products_in_every_state_with_certificates_that_check() -> None:
    assert not signing.key_path().exists()
    load_demo(sample=25)
    assert signing.key_path().exists()

    states = Counter(DataProduct.objects.values_list("status", flat=True))
    assert states == {S.DRAFT: 1, S.FORMAL_REVIEW: 1, S.SUBSTANTIVE_REVIEW: 1, S.RETURNED: 1, S.PUBLICITY: 2,
                      S.GRANTED: 4, S.REVOKED: 1, S.CANCELLED: 1}
    assert len(PLANS) == 12 and DataProduct.objects.count() == 12
    # Every registrant is a verified Guangdong member; every product has its sample.
    for product in DataProduct.objects.select_related("registrant", "sample"):
        assert product.registrant.is_verified and product.registrant.province == "44", product.name
        assert product.sample.size > 0
    contested = DataProduct.objects.get(status=S.PUBLICITY, objections__isnull=False)
    objection = contested.objections.get()
    assert objection.status == "open" and objection.organisation is not None
    assert objection.organisation.kind == Organisation.Kind.UNIVERSITY

    # Granted: a valid signed certificate each, its asset in force; revoked and cancelled ended.
    key = signing.private_key().public_key()
    for product in DataProduct.objects.filter(status=S.GRANTED):
        certificate = product.certificates.get()
        assert certificate.status == Certificate.Status.VALID
        assert signing.verify_document(export(certificate), key) == Verdict.VALID
        assert Asset.objects.get(data_product=product).legal_status == Asset.LegalStatus.IN_FORCE
    revoked = Certificate.objects.get(product__status=S.REVOKED)
    assert signing.verify_document(export(revoked), key) == Verdict.REVOKED
    assert Certificate.objects.get(product__status=S.CANCELLED).status == Certificate.Status.CANCELLED
    assert not Certificate.objects.filter(product__status__in=(S.DRAFT, S.PUBLICITY, S.RETURNED)).exists()

    # One registration is listed for licence, found as data IP, its certificate verifiable.
    listing = Listing.objects.get(asset_links__asset__ip_type=Asset.Type.DATA)
    assert (listing.status, listing.offer_kinds, listing.licence_exclusivity) == (
        Listing.Status.PUBLISHED, ["licence"], "non_exclusive")
    hits = search_listings(SearchQuery(text="", filters={"ip_type": ("data",)})).hits
    assert [hit.listing.pk for hit in hits] == [listing.pk]
    product = DataProduct.objects.get(asset__listing_links__listing=listing)
    page = Client().get(reverse("dataip:verify", args=[product.certificates.get().number]))
    assert page.status_code == 200 and product.name in page.content.decode()
    counts = demo_counts()
    assert (counts["data products"], counts["data IP registered"]) == (12, 4)
