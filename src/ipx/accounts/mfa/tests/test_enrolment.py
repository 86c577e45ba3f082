"""Setting up an authenticator app: a QR code and key drawn here, a code that proves the app
holds the key, ten recovery codes shown once; new codes and turning it off only after a
recent password or code, and turning it off only with a current code."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipx.accounts.mfa.devices import recovery_codes_replace
from ipx.accounts.mfa.recovery import recovery_code_digest
from ipx.accounts.mfa.tests.helpers import age_session, factors, logged_in, pending_code
from ipx.accounts.mfa.views import PENDING_KEY
from ipx.accounts.models import RecoveryCode, RecoveryCodes, User
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import code_of, current_code, enrol, fresh_second_factor

pytestmark = pytest.mark.django_db


def test_enrolment_keeps_the_app_only_after_a_correct_code_and_shows_ten_recovery_codes_once(owner: Member) -> None:
    client = logged_in(owner.user)
    page = client.get("/accounts/mfa/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="totp-secret"' in html and 'src="/accounts/mfa/enrol/qr.svg"' in html
    qr = client.get("/accounts/mfa/enrol/qr.svg")
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/svg+xml")
    assert qr.content.startswith(b"<svg") and b"http" not in qr.content.replace(b"http://www.w3.org", b"")
    # The same key until it is confirmed (a reload does not invalidate a scan).
    key = client.session[PENDING_KEY]
    assert client.get("/accounts/mfa/enrol/").status_code == 200 and client.session[PENDING_KEY] == key

    wrong = client.post("/accounts/mfa/enrol/", {"code": "000000" if pending_code(client) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "That is not the code your app shows now" in wrong.content.decode()
    assert factors(owner.user) == ([], [])

    done = client.post("/accounts/mfa/enrol/", {"code": pending_code(client), "next": "/deals/"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    device = TOTPDevice.objects.get(user=owner.user)
    assert (device.confirmed, device.key, device.name) == (True, key, "Authenticator app")
    shown = [code.replace("-", "") for code in done.context["codes"]]
    assert len(set(shown)) == 10 and all(len(code) == 16 for code in shown)
    digests = sorted(RecoveryCode.objects.filter(device__user=owner.user).values_list("digest", flat=True))
    assert digests == sorted(recovery_code_digest(code) for code in shown)
    assert 'href="/deals/"' in done.content.decode()
    # Enrolling passes the second factor for this session; the key is no longer pending.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_KEY not in client.session
    assert client.get("/accounts/mfa/enrol/qr.svg").status_code == 404
    # Shown once: the overview counts them and shows none.
    overview = client.get("/accounts/mfa/").content.decode()
    assert "10 recovery codes left." in overview and done.context["codes"][0] not in overview


def test_recovery_codes_are_stored_only_as_digests(owner: Member) -> None:
    """OWASP ASVS 2.6.2: recovery codes are kept under an approved one-way hash, SHA-256 of
    the code as it is read (no hyphens, lower case); no code shown appears in the database."""
    enrol(owner.user)
    shown = recovery_codes_replace(user=owner.user)
    stored = list(RecoveryCode.objects.filter(device__user=owner.user).values_list("digest", flat=True))
    assert len(stored) == 10
    assert all(len(digest) == 64 and set(digest) <= set("0123456789abcdef") for digest in stored)
    assert sorted(stored) == sorted(recovery_code_digest(code.replace("-", "")) for code in shown)
    rows = [str(value) for row in RecoveryCode.objects.filter(device__user=owner.user).values_list()
            for value in row]
    rows += [str(value) for row in RecoveryCodes.objects.filter(user=owner.user).values_list() for value in row]
    for code in shown:
        plain = code.replace("-", "")
        assert not any(code in value or plain in value or plain.upper() in value for value in rows)


def test_enrolment_is_refused_while_an_app_is_set_up(owner: Member) -> None:
    client = fresh_second_factor(owner.client, owner.user)
    before = factors(owner.user)
    response = client.get("/accounts/mfa/enrol/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/mfa/")
    assert factors(owner.user) == before


def test_enrolment_needs_a_recent_password(owner: Member) -> None:
    client = logged_in(owner.user)
    age_session(client, minutes=6)
    response = client.get("/accounts/mfa/enrol/")
    assert (response.status_code, response["Location"]) == (
        302, "/accounts/sessions/confirm/?next=%2Faccounts%2Fmfa%2Fenrol%2F")
    assert PENDING_KEY not in client.session


def test_new_recovery_codes_replace_the_old_ones(owner: Member) -> None:
    client = fresh_second_factor(owner.client, owner.user)
    client.post("/accounts/mfa/recovery-codes/")  # the first set
    old = factors(owner.user)[1]
    response = client.post("/accounts/mfa/recovery-codes/")
    assert response.status_code == 200
    new = factors(owner.user)[1]
    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCodes.objects.filter(user=owner.user).count() == 1


def test_new_recovery_codes_need_a_recent_authentication(owner: Member) -> None:
    client = fresh_second_factor(owner.client, owner.user)
    client.post("/accounts/mfa/recovery-codes/")
    before = factors(owner.user)
    age_session(client, minutes=6)
    response = client.post("/accounts/mfa/recovery-codes/", HTTP_REFERER="http://testserver/accounts/mfa/")
    assert (response.status_code, response["Location"]) == (
        302, "/accounts/sessions/confirm/?next=http%3A%2F%2Ftestserver%2Faccounts%2Fmfa%2F")
    assert factors(owner.user) == before


def test_turning_the_second_factor_off_needs_a_current_code(owner: Member) -> None:
    client = fresh_second_factor(owner.client, owner.user)
    device = enrol(owner.user)
    before = factors(owner.user)
    wrong = client.post("/accounts/mfa/disable/", {"code": code_of(device, steps_ahead=5)})
    assert wrong.status_code == 400
    assert "The code is wrong or was already used." in wrong.content.decode()
    assert factors(owner.user) == before
    done = client.post("/accounts/mfa/disable/", {"code": current_code(owner.user)})
    assert (done.status_code, done["Location"]) == (302, "/accounts/mfa/")
    assert factors(owner.user) == ([], [])
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert "Off: your password alone logs you in." in client.get("/accounts/mfa/").content.decode()


def test_turning_the_second_factor_off_needs_a_recent_authentication(owner: Member) -> None:
    client = fresh_second_factor(owner.client, owner.user)
    before = factors(owner.user)
    age_session(client, minutes=6)
    response = client.post("/accounts/mfa/disable/", {"code": current_code(owner.user)})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sessions/confirm/?next=")
    assert factors(owner.user) == before


def test_someone_who_must_have_a_second_factor_sets_up_a_new_one_after_turning_it_off(operator: User,
                                                                                   operator_client: Client) -> None:
    operator_client.post("/accounts/mfa/disable/", {"code": current_code(operator)})
    response = operator_client.get("/deals/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/mfa/enrol/?next=%2Fdeals%2F")


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    for path in ("/accounts/mfa/", "/accounts/mfa/enrol/", "/accounts/mfa/verify/", "/accounts/mfa/enrol/qr.svg"):
        response = Client().get(path)
        assert (response.status_code, response["Location"].startswith("/accounts/login/")) == (302, True)
