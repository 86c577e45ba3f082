"""The API's members, organisations, passwords and tokens."""

from __future__ import annotations

from ipx.testing.access_world import AccessWorld
from ipx.testing.factories import PASSWORD, valid_uscc

from .matrix import (
    DENY,
    HIDE,
    HOME_OR_OPERATOR,
    LOGIN,
    OK,
    OPERATORS,
    PUBLIC,
    SIGNED_IN,
    Entry,
    const,
    every,
    ids,
    roles,
)

ADMIN_ONLY = every(DENY, anonymous=LOGIN, admin=OK)
NEW_PASSWORD = "a fresh passphrase for matrix 42"


def _own_credentials(world: AccessWorld, role: str) -> dict[str, str]:
    user = world.user(role)
    if user is None:  # anonymous: someone's address with a wrong password
        member = world.user("member")
        assert member is not None
        return {"email": member.email, "password": "not the password", "name": "matrix"}
    return {"email": user.email, "password": PASSWORD, "name": "matrix"}


NEW_ORGANISATION = {
    "name": "新注册科技有限公司",
    "kind": "enterprise",
    "region_kind": "mainland",
    "province": "44",
    "city": "深圳",
    "uscc": valid_uscc(77001),
}

ENTRIES = [
    Entry(
        "/api/v1/users",
        "POST",
        PUBLIC,
        body=const({"email": "newcomer@matrix.example", "password": NEW_PASSWORD, "full_name": "New Comer"}),
    ),
    Entry(
        "/api/v1/auth/token",
        "POST",
        every(OK, anonymous=LOGIN),
        body=_own_credentials,
        step_up=True,
        note="each its own password and second-factor code; anonymous a member's address with a wrong password",
    ),
    Entry("/api/v1/me", "GET", SIGNED_IN),
    Entry("/api/v1/organisations", "GET", OPERATORS),
    Entry("/api/v1/organisations", "POST", SIGNED_IN, body=const(NEW_ORGANISATION)),
    Entry("/api/v1/organisations/{organisation_id}", "GET", PUBLIC, args=ids(organisation_id="home")),
    Entry(
        "/api/v1/organisations/{organisation_id}",
        "GET",
        every(HIDE, operator=OK),
        args=ids(organisation_id="rejected"),
        variant="rejected",
        note="a rejected organisation is hidden from all but its members and operators",
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}",
        "PATCH",
        ADMIN_ONLY,
        args=ids(organisation_id="home"),
        body=const({"description": "锂电池隔膜材料研发。"}),
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}/resubmit",
        "POST",
        every(HIDE, anonymous=LOGIN, operator=DENY),
        args=ids(organisation_id="rejected"),
        note="only the rejected organisation's own administrator",
    ),
    Entry("/api/v1/organisations/{organisation_id}/verify", "POST", OPERATORS, args=ids(organisation_id="unverified")),
    Entry(
        "/api/v1/organisations/{organisation_id}/reject",
        "POST",
        OPERATORS,
        args=ids(organisation_id="unverified"),
        body=const({"reason": "营业执照照片模糊，请重新上传。"}),
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}/invitations",
        "POST",
        ADMIN_ONLY,
        args=ids(organisation_id="home"),
        body=const({"email": "colleague@matrix.example", "role": "member"}),
    ),
    Entry(
        "/api/v1/invitations/{token}/accept",
        "POST",
        every(DENY, anonymous=LOGIN, outsider=OK),
        args=ids(token=lambda w: w.invitation.token),
        note="sent to the outsider's person",
    ),
    Entry("/api/v1/organisations/{organisation_id}/members", "GET", HOME_OR_OPERATOR, args=ids(organisation_id="home")),
    Entry(
        "/api/v1/organisations/{organisation_id}/members/{user_id}",
        "PATCH",
        ADMIN_ONLY,
        args=ids(organisation_id="home", user_id=lambda w: w.people["member"].pk),
        body=const({"is_signatory": True}),
    ),
    Entry("/api/v1/auth/password-reset", "POST", PUBLIC, body=const({"email": "member@matrix.example"})),
    Entry(
        "/api/v1/auth/email-confirmation",
        "POST",
        PUBLIC,
        body=lambda w, role: {"token": w.extras["confirmation_token"]},
        note="a link anyone holding it may follow",
    ),
    Entry("/api/v1/me/email-confirmation", "POST", SIGNED_IN),
    Entry(
        "/api/v1/me/password",
        "POST",
        SIGNED_IN,
        body=const({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    ),
    Entry("/api/v1/auth/tokens", "GET", SIGNED_IN, secret="token", sees=roles("member")),
    Entry("/api/v1/auth/tokens", "POST", SIGNED_IN, body=const({"name": "matrix-new", "expires_in_days": 30})),
    Entry(
        "/api/v1/auth/tokens/{token_id}",
        "DELETE",
        every(HIDE, anonymous=LOGIN, member=OK),
        args=ids(token_id="member_token"),
    ),
]
