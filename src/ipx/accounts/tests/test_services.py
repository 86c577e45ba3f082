"""Members: registration, verification workflow, invitations, tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from ipx.accounts import notices, services, tokens
from ipx.accounts.inputs import InvitationInput, OrganisationValues, RegistrationInput
from ipx.accounts.models import ApiToken, Invitation, Membership, Organisation, OrganisationEvent, User
from ipx.accounts.tests.helpers import register_organisation
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.testing.factories import OrganisationFactory, UserFactory, valid_uscc
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

ORG = {
    "name": "珠海海洋装备研究院",
    "kind": "university",
    "region_kind": "mainland",
    "province": "44",
    "city": "珠海",
    "uscc": "91310112087994932F",
}


def test_registration_creates_user_organisation_admin_and_event() -> None:
    registered = services.registration_submit(registration=RegistrationInput.parse(
        email="New.Person@Example.com", password="a long secret 123", full_name="New Person",
        preferred_language="zh-hant", organisation=OrganisationValues.read(ORG),
    ))
    assert registered is not None
    user, organisation = registered
    assert user.email == "new.person@example.com"
    assert user.check_password("a long secret 123")
    assert user.password.startswith("md5$")  # the test settings' fast hasher; production uses argon2
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.region_code == "CN-44"
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN
    event = OrganisationEvent.objects.get(organisation=organisation)
    assert (event.verb, event.from_status, event.to_status, event.actor) == ("registered", "", "pending", user)


def test_production_hashes_passwords_with_argon2(settings: object) -> None:
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import make_password

    from ipx import settings as ipx_settings

    assert ipx_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    django_settings.PASSWORD_HASHERS = ipx_settings.PASSWORD_HASHERS
    assert make_password("x" * 12).startswith("argon2$")


def test_registration_reports_every_bad_field_and_saves_nothing() -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.registration_submit(registration=RegistrationInput.parse(
            email="not-an-email", password="123", full_name="", preferred_language="fr",
            organisation=OrganisationValues.read({**ORG, "uscc": "91110000600037341N", "province": "99"}),
        ))
    assert set(refused.value.fields) == {"email", "password", "full_name", "preferred_language", "uscc", "province"}
    assert "check character" in refused.value.fields["uscc"]
    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message_part"),
    [
        ({"uscc": ""}, "uscc", "must give their Unified Social Credit Code"),
        ({"region_kind": "hk", "uscc": "91310112087994932F"}, "uscc", "Only mainland"),
        ({"region_kind": "overseas", "uscc": "", "country": "XX"}, "country", "ISO code"),
        ({"region_kind": "overseas", "uscc": "", "country": "CN"}, "country", "ISO code"),
        ({"kind": "pirate"}, "kind", "not one of the allowed values"),
        ({"website": "javascript:alert(1)"}, "website", "web address"),
        ({"name": "x" * 201}, "name", "too long"),
    ],
)
def test_organisation_field_errors(changes: dict[str, str], field: str, message_part: str) -> None:
    user = UserFactory.create()
    with pytest.raises(ValidationFailed) as refused:
        register_organisation(user, **{**ORG, **changes})
    assert message_part in refused.value.fields[field]
    assert Organisation.objects.count() == 0


def test_overseas_and_individual_need_no_uscc() -> None:
    user = UserFactory.create()
    overseas = register_organisation(user, name="Fraunhofer Demo", kind="university", region_kind="overseas",
                                     country="de")
    assert (overseas.country, overseas.uscc, overseas.region_code) == ("DE", None, "DE")
    person = register_organisation(user, name="张三", kind="individual", region_kind="mainland", province="44")
    assert person.uscc is None


def test_duplicate_uscc_is_refused() -> None:
    OrganisationFactory.create(uscc="91310112087994932F")
    with pytest.raises(ValidationFailed, match="already registered"):
        register_organisation(UserFactory.create(), **ORG)


def test_verify_and_reject_workflow(operator: User) -> None:
    admin = UserFactory.create()
    organisation = register_organisation(admin, **ORG)
    with pytest.raises(ValidationFailed, match="reason"):
        services.organisation_reject(organisation_id=organisation.pk, operator=operator, reason="  ")
    services.organisation_reject(organisation_id=organisation.pk, operator=operator, reason="营业执照不清晰")
    organisation.refresh_from_db()
    assert (organisation.status, organisation.rejection_reason) == ("rejected", "营业执照不清晰")
    with pytest.raises(InvalidTransition):
        services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    services.organisation_resubmit(organisation_id=organisation.pk, actor=admin)
    services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    organisation.refresh_from_db()
    assert organisation.status == "verified"
    assert organisation.verified_at is not None
    kinds = list(organisation.events.values_list("verb", "from_status", "to_status"))
    assert kinds == [("registered", "", "pending"), ("rejected", "pending", "rejected"),
                     ("resubmitted", "rejected", "pending"), ("verified", "pending", "verified")]


def test_verification_mails_the_admins_after_commit(operator: User, on_commit: Any) -> None:
    admin = UserFactory.create(email="admin@uni.example", preferred_language="zh-hans")
    organisation = register_organisation(admin, **ORG)
    with on_commit():
        services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    assert [m.to for m in mail.outbox] == [["admin@uni.example"]]
    assert "珠海海洋装备研究院" in mail.outbox[0].subject


def test_only_operators_verify() -> None:
    admin = UserFactory.create()
    organisation = register_organisation(admin, **ORG)
    with pytest.raises(PermissionDenied):
        services.organisation_verify(organisation_id=organisation.pk, operator=admin)
    organisation.refresh_from_db()
    assert organisation.status == "pending"
    assert organisation.events.count() == 1


def test_verified_identity_cannot_be_changed_by_members(owner: Member) -> None:
    organisation = owner.organisation
    with pytest.raises(ValidationFailed) as refused:
        services.organisation_update(organisation_id=organisation.pk, actor=owner.user,
                                     changes=OrganisationValues(name="Another Name", uscc=valid_uscc(99999)))
    assert set(refused.value.fields) == {"name", "uscc"}
    updated = services.organisation_update(organisation_id=organisation.pk, actor=owner.user,
                                           changes=OrganisationValues(description="我们做电池。", city="广州"))
    assert (updated.description, updated.city, updated.name) == ("我们做电池。", "广州", organisation.name)


def test_only_admins_update(owner: Member) -> None:
    member = UserFactory.create()
    Membership.objects.create(user=member, organisation=owner.organisation, role="member")
    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation_id=owner.organisation.pk, actor=member,
                                     changes=OrganisationValues(description="x"))


def test_invitation_flow(owner: Member, on_commit: Any) -> None:
    with on_commit():
        invitation = services.invitation_create(
            organisation_id=owner.organisation.pk, inviter=owner.user,
            invitation=InvitationInput.parse(email="Colleague@Example.com", role="member"))
    assert mail.outbox[0].to == ["colleague@example.com"]
    assert invitation.token in mail.outbox[0].body
    stranger = UserFactory.create(email="stranger@example.com")
    with pytest.raises(PermissionDenied):
        services.invitation_accept(token=invitation.token, user=stranger)
    colleague = UserFactory.create(email="colleague@example.com")
    membership = services.invitation_accept(token=invitation.token, user=colleague)
    assert (membership.organisation, membership.role) == (owner.organisation, "member")
    with pytest.raises(Conflict, match="already been used"):
        services.invitation_accept(token=invitation.token, user=colleague)
    with pytest.raises(ValidationFailed, match="already a member"):
        services.invitation_create(organisation_id=owner.organisation.pk, inviter=owner.user,
                                   invitation=InvitationInput.parse(email="colleague@example.com", role="member"))
    assert Invitation.objects.count() == 1


def test_api_tokens_store_only_a_hash(owner: Member) -> None:
    token, key = tokens.api_token_create(user=owner.user, token=tokens.TokenInput.parse(name="erp"))
    assert key.startswith("ipx_")
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash
    tokens.api_token_revoke(user=owner.user, token_id=token.pk)
    assert ApiToken.objects.count() == 0


def test_verification_mails_are_worded_after_commit_in_each_admins_language(operator: User, on_commit: Any) -> None:
    admin = UserFactory.create(email="admin@uni.example", preferred_language="en")
    colleague = UserFactory.create(email="colleague@uni.example", preferred_language="zh-hans")
    organisation = register_organisation(admin, **ORG)
    Membership.objects.create(user=colleague, organisation=organisation, role=Membership.Role.ADMIN)
    # The operator works in Traditional Chinese; that is not the language of the mails.
    with on_commit(), translation.override("zh-hant"):
        services.organisation_reject(organisation_id=organisation.pk, operator=operator, reason="营业执照不清晰")
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent["admin@uni.example"].subject == "珠海海洋装备研究院 was not verified on IPX"
    assert sent["admin@uni.example"].body == (
        "The operator could not verify 珠海海洋装备研究院: 营业执照不清晰\nCorrect the details and resubmit.")
    with translation.override("zh-hans"):
        expected = translation.gettext("%(name)s was not verified on IPX") % {"name": "珠海海洋装备研究院"}
    assert sent["colleague@uni.example"].subject == expected != sent["admin@uni.example"].subject


def test_refused_verification_mails_nobody(operator: User, on_commit: Any) -> None:
    organisation = register_organisation(UserFactory.create(), **ORG)
    services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    with on_commit(), pytest.raises(InvalidTransition, match="cannot become Verified"):
        services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    assert mail.outbox == []


def test_history_words_each_event_when_read(operator: User) -> None:
    admin = UserFactory.create()
    organisation = register_organisation(admin, **ORG)
    services.organisation_reject(organisation_id=organisation.pk, operator=operator, reason="营业执照不清晰")
    OrganisationEvent.objects.create(organisation=organisation, verb="", note="Checked by phone", actor=operator)
    events = list(organisation.events.order_by("id"))
    assert [(line.what, line.note) for line in notices.history(events)] == [
        ("Registered", ""), ("Rejected", "营业执照不清晰"), ("Checked by phone", "")]
    with translation.override("zh-hans"):
        assert [line.what for line in notices.history(events)] == ["注册", "未通过认证", "Checked by phone"]
    assert [notices.describe(event) for event in events] == ["Registered", "Rejected", "Checked by phone"]


def test_missing_organisation_is_not_found(operator: User) -> None:
    with pytest.raises(NotFound, match="No such organisation"):
        services.organisation_verify(organisation_id=999999, operator=operator)
