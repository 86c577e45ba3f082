"""The member pages: sign-up and log-in, passwords, second factor, sessions, tokens, the
organisation, its members and its verification."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ipx.testing.access_world import AccessWorld
from ipx.testing.factories import PASSWORD, valid_uscc
from ipx.testing.second_factor import current_code

from .expect_api_members import NEW_PASSWORD
from .matrix import (
    FLASH,
    FORM,
    HIDE,
    HOME,
    LOGIN,
    MOVED,
    OK,
    OPERATORS,
    PUBLIC,
    SIGNED_IN,
    Entry,
    const,
    every,
    form_page,
    ids,
    post_only,
    read_only,
    roles,
)

# Pages of "my organisation": the person's current one; an operator has none and is sent to
# their page, changing nothing.
OWN_ORGANISATION = every(OK, anonymous=LOGIN, operator=MOVED)


def _code(world: AccessWorld, role: str) -> dict[str, str]:
    user = world.user(role)
    return {"code": current_code(user)} if user is not None else {}


def _reset_link(world: AccessWorld) -> dict[str, object]:
    member = world.user("member")
    assert member is not None
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
        "token": default_token_generator.make_token(member),
    }


def _organisation_fields(**changes: str) -> dict[str, str]:
    return {
        "name": "广州湾区电池科技有限公司",
        "kind": "enterprise",
        "region_kind": "mainland",
        "province": "44",
        "city": "广州",
        "uscc": "",
        **changes,
    }


def _own_details(world: AccessWorld, role: str) -> dict[str, str]:
    organisation = world.own_organisation(role) or world.home
    fields = ("name", "name_en", "kind", "region_kind", "province", "city", "country", "uscc", "website")
    return {**{name: getattr(organisation, name) or "" for name in fields}, "description": "更新的简介。"}


REGISTRATION = {
    **_organisation_fields(name="新注册电池有限公司", uscc=valid_uscc(77002)),
    "full_name": "Rita Registrant",
    "email": "rita@matrix.example",
    "password": NEW_PASSWORD,
}

ENTRIES: list[Entry] = [
    Entry("i18n/setlang/", "GET", every(MOVED)),
    Entry("i18n/setlang/", "POST", PUBLIC, body=const({"language": "zh-hans", "next": "/"})),
    *form_page("accounts/register/", PUBLIC, PUBLIC, body=const(REGISTRATION)),
    *read_only("accounts/registered/", PUBLIC, login=False),
    *form_page("accounts/login/", PUBLIC, PUBLIC, body=const({"email": "member@matrix.example", "password": PASSWORD})),
    *post_only("accounts/logout/", PUBLIC, login=False),
    *read_only("accounts/mfa/", SIGNED_IN),
    # Everyone here has an authenticator app already: setting one up sends them back.
    *form_page("accounts/mfa/enrol/", every(MOVED, anonymous=LOGIN), every(OK, anonymous=LOGIN), body=_code),
    *read_only("accounts/mfa/enrol/qr.svg", every(HIDE, anonymous=LOGIN), note="nothing is being set up"),
    *form_page("accounts/mfa/verify/", SIGNED_IN, SIGNED_IN, body=_code),
    *post_only("accounts/mfa/recovery-codes/", SIGNED_IN),
    *form_page("accounts/mfa/disable/", SIGNED_IN, SIGNED_IN, body=_code),
    *read_only("accounts/sessions/", SIGNED_IN),
    *form_page("accounts/sessions/confirm/", SIGNED_IN, SIGNED_IN, body=const({"password": PASSWORD})),
    *post_only(
        "accounts/sessions/<id:session_id>/revoke/",
        every(FLASH, anonymous=LOGIN, member=OK),
        args=ids(session_id=lambda w: w.extras["member_other_session"]),
        note="the member's own other session; for anyone else there is no such session",
    ),
    *post_only("accounts/sessions/revoke-others/", SIGNED_IN),
    *form_page(
        "accounts/password/",
        SIGNED_IN,
        SIGNED_IN,
        body=const({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}),
    ),
    *form_page("accounts/password/reset/", PUBLIC, PUBLIC, body=const({"email": "member@matrix.example"})),
    *read_only("accounts/password/reset/sent/", PUBLIC, login=False),
    *read_only("accounts/password/reset/done/", PUBLIC, login=False),
    *form_page(
        "accounts/password/reset/<uidb64>/<token>/",
        every(MOVED),
        every(MOVED),
        args=_reset_link,
        note="the mailed link moves its token into the session and on to the form",
    ),
    *post_only("accounts/email/confirm/", SIGNED_IN),
    *form_page(
        "accounts/email/confirm/<str:token>/",
        PUBLIC,
        every(OK, anonymous=LOGIN),
        args=ids(token=lambda w: w.extras["confirmation_token"]),
        note="confirmed (already: the member's), then sent to log in when signed out",
    ),
    *read_only("accounts/organisation/members/", OWN_ORGANISATION),
    *post_only(
        "accounts/organisation/members/<id:user_id>/signatory/",
        every(FLASH, anonymous=LOGIN, admin=OK, operator=MOVED),
        args=ids(user_id=lambda w: w.people["member"].pk),
        body=const({"signatory": "1"}),
        note="each acts on their own organisation; only home's admin names",
    ),
    # Each edits its own organisation (its details as they are, a new description); only its
    # administrators may: home's other members hear so on the form.
    *form_page(
        "accounts/organisation/edit/",
        OWN_ORGANISATION,
        every(OK, anonymous=LOGIN, operator=MOVED, member=FORM, signatory=FORM),
        body=_own_details,
    ),
    *form_page(
        "accounts/organisation/invite/",
        OWN_ORGANISATION,
        every(OK, anonymous=LOGIN, operator=MOVED, member=FORM, signatory=FORM),
        body=const({"email": "colleague@matrix.example", "role": "member"}),
    ),
    *post_only(
        "accounts/organisation/choose/",
        every(FLASH, anonymous=LOGIN, member=OK, signatory=OK, admin=OK),
        body=lambda w, role: {"organisation_id": w.home.pk, "next": "/my/"},
        note="choosing home: only its members",
    ),
    *read_only("accounts/organisations/", OPERATORS),
    *read_only(
        "accounts/organisations/<id:organisation_id>/",
        every(HIDE, anonymous=LOGIN, operator=OK, **HOME),
        args=ids(organisation_id="home"),
        note="the verification page: the organisation's members, operators",
    ),
    *post_only(
        "accounts/organisations/<id:organisation_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, unverified=FLASH, operator=OK),
        variant="verify",
        args=ids(organisation_id="unverified", name=lambda w: "verify"),
    ),
    *post_only(
        "accounts/organisations/<id:organisation_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, unverified=FLASH, operator=OK),
        variant="reject",
        args=ids(organisation_id="unverified", name=lambda w: "reject"),
        body=const({"reason": "营业执照照片模糊。"}),
    ),
    *post_only(
        "accounts/organisations/<id:organisation_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=FLASH),
        variant="resubmit",
        args=ids(organisation_id="rejected", name=lambda w: "resubmit"),
    ),
    *form_page(
        "accounts/invitations/<str:token>/",
        SIGNED_IN,
        every(FLASH, anonymous=LOGIN, outsider=OK),
        args=ids(token=lambda w: w.invitation.token),
    ),
    Entry("accounts/tokens/", "GET", SIGNED_IN, secret="token", sees=roles("member")),
    Entry(
        "accounts/tokens/",
        "POST",
        every(FLASH, anonymous=LOGIN, member=OK),
        variant="revoke",
        body=lambda w, role: {"revoke": str(w.member_token.pk)},
        note="the member's own token",
    ),
    Entry("accounts/tokens/", "POST", SIGNED_IN, variant="create", body=const({"name": "matrix-page"})),
]
