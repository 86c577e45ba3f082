"""Pages as a member sees them: forms show the services' refusals, nothing half-saved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import ApiToken, Invitation, Organisation, User
from ipx.listings.models import Listing
from ipx.testing.factories import PASSWORD, PatentFactory, listing_with_patent
from ipx.testing.fixtures import Member
from ipx.web.public_cache import raise_content_version

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "full_name": "Li Lei", "email": "li.lei@example.com", "password": "a long secret 123",
    "name": "深圳海岸新材料有限公司", "kind": "enterprise", "region_kind": "mainland", "province": "44",
    "city": "深圳", "uscc": "91310112087994932F",
}


def test_registration_page_creates_and_the_person_logs_in(client: Client) -> None:
    response = client.post("/accounts/register/", REGISTRATION)
    # Sign-up signs nobody in (an address with an account gets the same answer): the person
    # is told to check their inbox, then logs in.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/registered/"
    login = client.post("/accounts/login/", {"email": REGISTRATION["email"], "password": REGISTRATION["password"]})
    assert login["Location"] == "/my/"
    page = client.get("/my/")
    assert "深圳海岸新材料有限公司" in page.content.decode()
    assert 'id="organisation-status"' in page.content.decode()
    assert Organisation.objects.get().status == "pending"


def test_registration_errors_are_shown_on_their_fields(client: Client) -> None:
    response = client.post("/accounts/register/", {**REGISTRATION, "uscc": "91110000600037341N", "password": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "check character" in html
    # Beside its field, which it describes, and in the summary at the form's top.
    field = html[html.index('id="field-uscc"'):].split("</div>")[0]
    assert "check character" in field and 'id="id_uscc_error"' in field and 'aria-invalid="true"' in field
    assert re.search(r'aria-describedby="[^"]*\bid_uscc_error\b', field)
    summary = html[html.index("data-error-summary"):].split("</div>")[0]
    assert 'href="#id_uscc"' in summary and "check character" in summary
    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_login_and_logout(client: Client, owner: Member) -> None:
    assert client.post("/accounts/login/", {"email": owner.user.email, "password": "wrong"}).status_code == 400
    response = client.post("/accounts/login/", {"email": owner.user.email.upper(), "password": PASSWORD,
                                                "next": "https://evil.example/"})
    assert response["Location"] == "/my/"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/my/")["Location"].startswith("/accounts/login/")


def test_home_shows_live_counts(client: Client, owner: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, status=Listing.Status.PUBLISHED)
    assert listing.status == "published"
    home = client.get("/")
    assert home.status_code == 200
    fragment = client.get("/stats/")
    assert 'hx-trigger="every 10s"' in fragment.content.decode()
    assert ">1<" in fragment.content.decode().replace(" ", "")


def test_booth_lists_published_listings_only(client: Client, owner: Member) -> None:
    published = listing_with_patent(owner.organisation, owner.user, status="published", title="公开的挂牌")
    detail = client.get(f"/listings/{published.pk}/")
    assert detail.status_code == 200
    assert "History" not in detail.content.decode()
    listing_with_patent(owner.organisation, owner.user, title="草稿挂牌")
    html = client.get(f"/booths/{owner.organisation.pk}/").content.decode()
    assert published.title in html
    assert "草稿挂牌" not in html
    Organisation.objects.filter(pk=owner.organisation.pk).update(status="rejected")
    raise_content_version()  # what the services' events do; this test writes the row directly
    assert client.get(f"/booths/{owner.organisation.pk}/").status_code == 404


def test_organisation_edit_and_invite(owner: Member) -> None:
    client = owner.client
    response = client.post("/accounts/organisation/edit/", {
        "name": owner.organisation.name, "kind": "enterprise", "region_kind": "mainland", "province": "44",
        "city": "广州", "uscc": owner.organisation.uscc, "description": "动力电池材料",
    })
    assert response.status_code == 302
    owner.organisation.refresh_from_db()
    assert (owner.organisation.city, owner.organisation.description) == ("广州", "动力电池材料")
    response = client.post("/accounts/organisation/edit/", {
        "name": "换个名字", "kind": "enterprise", "region_kind": "mainland", "province": "44",
        "uscc": owner.organisation.uscc})
    assert response.status_code == 400
    assert "ask the operator" in response.content.decode()
    assert client.post("/accounts/organisation/invite/", {"email": "new@example.com", "role": "member"}
                       ).status_code == 302
    assert Invitation.objects.get().email == "new@example.com"


def test_tokens_page_shows_a_new_key_once(owner: Member) -> None:
    response = owner.client.post("/accounts/tokens/", {"name": "erp", "scopes": ["read", "write"]})
    key = ApiToken.objects.get()
    html = response.content.decode()
    assert 'id="new-token"' in html
    assert key.key_hash not in html
    assert 'id="new-token"' not in owner.client.get("/accounts/tokens/").content.decode()


def test_listing_pages(owner: Member, outsider: Member, operator: User) -> None:
    patent = PatentFactory.create(asset__holder=owner.organisation)
    form: dict[str, Any] = {"title": "电池隔膜许可", "asset_ids": [str(patent.pk)], "offer_kinds": ["licence"],
                            "licence_exclusivity": "non_exclusive", "price_type": "fixed", "price_amount": "abc",
                            "currency": "CNY"}
    response = owner.client.post("/listings/new/", form)
    assert response.status_code == 400
    assert "as a number" in response.content.decode()
    assert Listing.objects.count() == 0
    response = owner.client.post("/listings/new/", {**form, "price_amount": "120000"})
    listing = Listing.objects.get()
    assert response["Location"] == f"/listings/{listing.pk}/"
    assert outsider.client.get(f"/listings/{listing.pk}/").status_code == 404
    # Pressing a hidden listing's button does not show it exists either.
    assert outsider.client.post(f"/listings/{listing.pk}/submit/").status_code == 404
    listing.refresh_from_db()
    assert listing.status == "draft"
    assert owner.client.post(f"/listings/{listing.pk}/submit/").status_code == 302
    listing.refresh_from_db()
    assert listing.status == "submitted"
    assert Client().get(f"/listings/{listing.pk}/").status_code == 404
    refused = owner.client.post(f"/listings/{listing.pk}/edit/", {**form, "price_amount": "1", "title": "改"})
    assert refused.status_code == 400
    assert "cannot be edited" in refused.content.decode()
    listing.refresh_from_db()
    assert (listing.title, listing.price_amount) == ("电池隔膜许可", 120000)


def test_my_organisation_says_who_may_sign_and_links_to_the_members_page(owner: Member) -> None:
    from ipx.accounts.models import Membership
    from ipx.testing.factories import MembershipFactory, UserFactory

    MembershipFactory.create(user=UserFactory.create(email="clerk@example.com"), organisation=owner.organisation,
                             role=Membership.Role.MEMBER)
    page = owner.client.get("/my/").content.decode()
    rows = [row for row in page.split("<tr>") if "@example.com" in row]
    assert len(rows) == 2
    assert [("May sign" in row) for row in rows] == [("owner@" in row) for row in rows]
    assert 'href="/accounts/organisation/members/"' in page
