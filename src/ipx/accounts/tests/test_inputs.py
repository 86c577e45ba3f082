"""Members' inputs as typed values: sign-up, organisations (new and edited), invitations and
token names are parsed once, naming every bad field at once; the pages and the API build
the same values, and a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ipx.accounts import services
from ipx.accounts.inputs import (
    UNSET,
    InvitationInput,
    OrganisationInput,
    OrganisationValues,
    RegistrationInput,
    UserInput,
)
from ipx.accounts.tests.helpers import call, pending, snapshot
from ipx.accounts.tokens import TokenInput
from ipx.core.errors import ValidationFailed
from ipx.testing.factories import valid_uscc
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

MAINLAND = {"name": " 珠海海洋装备研究院 ", "kind": "university", "region_kind": "mainland", "province": "44",
            "city": "珠海", "uscc": "9131 0112-0879 9493 2F", "country": "DE"}


def test_a_person_is_parsed_and_the_password_never_shown() -> None:
    person = UserInput.parse(email=" Li.Lei@Example.com ", password="long enough 123", full_name=" 李雷 ",
                             preferred_language="zh-hans")

    assert person == UserInput(email="li.lei@example.com", password="long enough 123", full_name="李雷",
                               preferred_language="zh-hans")
    assert "long enough" not in repr(person)


def test_organisation_values_are_read_as_given() -> None:
    values = OrganisationValues.read({"name": "澳门创新科技", "uscc": None, "status": "verified"})

    assert values.given() == {"name": "澳门创新科技", "uscc": ""}
    assert values.kind is UNSET


def test_an_organisation_is_parsed_into_what_its_row_stores() -> None:
    parsed = OrganisationInput.parse(OrganisationValues.read(MAINLAND))

    # A mainland body has a province, not a country; the code loses its spaces and dashes.
    assert parsed == OrganisationInput(name="珠海海洋装备研究院", kind="university", region_kind="mainland",
                                       province="44", city="珠海", uscc="91310112087994932F")
    overseas = OrganisationInput.parse(OrganisationValues(name="Fraunhofer Demo", kind="university",
                                                          region_kind="overseas", country="de", province="44"))
    assert (overseas.country, overseas.province, overseas.uscc) == ("DE", "", None)


def test_sign_up_names_every_bad_field_of_person_and_organisation_at_once(owner: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        RegistrationInput.parse(email="owner-at-example.com", password="123", full_name="",
                                preferred_language="en",
                                organisation=OrganisationValues.read(MAINLAND | {"uscc": "", "website": "ftp://x"}))

    assert set(refused.value.fields) == {"email", "password", "full_name", "uscc", "website"}
    assert refused.value.fields["email"] == "Enter a valid e-mail address."
    assert refused.value.fields["uscc"] == "Mainland organisations must give their Unified Social Credit Code."


def test_sign_up_does_not_tell_that_an_address_has_an_account(owner: Member) -> None:
    """No account enumeration: a taken address is no field error (the service tells its owner)."""
    with pytest.raises(ValidationFailed) as refused:
        RegistrationInput.parse(email=owner.user.email.upper(), password="123", full_name="Someone",
                                preferred_language="en", organisation=OrganisationValues.read(MAINLAND))

    assert set(refused.value.fields) == {"password"}


def test_an_edit_keeps_what_it_leaves_out_and_its_own_code_is_no_clash(owner: Member) -> None:
    organisation = pending(owner)
    services.organisation_update(organisation_id=organisation.pk, actor=owner.user,
                                 changes=OrganisationValues(uscc=valid_uscc(4242), city="深圳"))
    organisation.refresh_from_db()

    edited = OrganisationInput.parse_change(organisation, OrganisationValues(uscc=valid_uscc(4242), city="珠海"))

    assert (edited.name, edited.uscc, edited.city) == (organisation.name, valid_uscc(4242), "珠海")


def test_a_verified_bodys_identity_stays_and_nothing_changes(owner: Member) -> None:
    organisation = owner.organisation
    before = snapshot(organisation)

    with pytest.raises(ValidationFailed) as refused:
        services.organisation_update(organisation_id=organisation.pk, actor=owner.user,
                                     changes=OrganisationValues(kind="government", city="x" * 101))

    assert refused.value.fields == {"city": "Too long: at most 100 characters (it has 101).",
                                    "kind": "This detail was verified; ask the operator to change it."}
    assert snapshot(organisation) == before


def test_invitations_and_token_names_name_every_bad_field() -> None:
    assert InvitationInput.parse(email=" Colleague@Example.com", role="admin") == InvitationInput(
        email="colleague@example.com", role="admin")
    with pytest.raises(ValidationFailed) as refused:
        InvitationInput.parse(email="colleague", role="owner")
    assert refused.value.fields == {"email": "Enter a valid e-mail address.",
                                    "role": "“owner” is not one of the allowed values: admin, member."}

    assert TokenInput.parse(name=" erp ") == TokenInput(name="erp")
    with pytest.raises(ValidationFailed) as refused:
        TokenInput.parse(name=" ")
    assert refused.value.fields == {"name": "Name is required."}


def test_the_api_and_the_page_edit_through_the_same_values(owner: Member) -> None:
    organisation = pending(owner)
    before = snapshot(organisation)

    status, body = call(owner.client, "patch", f"/organisations/{organisation.pk}",
                        {"region_kind": "overseas", "country": "XX", "website": "javascript:alert(1)"})

    assert status == 400
    assert body["error"]["fields"] == {
        "country": "Choose the country of an overseas organisation (ISO code such as DE).",
        "uscc": "Only mainland organisations have a Unified Social Credit Code; leave it empty.",
        "website": "Enter a valid web address starting with http:// or https://.",
    }
    assert snapshot(organisation) == before

    page = owner.client.get(reverse("accounts:organisation_edit")).context["form"]
    data = {name: page[name].value() or "" for name in page.fields}
    response = owner.client.post(reverse("accounts:organisation_edit"), data | {"city": "佛山"})

    organisation.refresh_from_db()
    assert response.status_code == 302
    assert (organisation.city, organisation.name, organisation.uscc) == ("佛山", before["organisation"]["name"],
                                                                         before["organisation"]["uscc"])
