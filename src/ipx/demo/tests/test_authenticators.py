"""Demo logins that must pass a second factor get an authenticator app with the published
demo key, and ``ipx demo-code`` prints the code it shows; nobody else's codes are printed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipx.accounts.models import Membership, Organisation
from ipx.demo.authenticators import give_authenticators
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _code(email: str) -> str:
    out = StringIO()
    call_command("demo_code", email, stdout=out)
    return out.getvalue().strip()


def test_demo_logins_that_must_have_a_second_factor_get_the_demo_app_and_its_code_passes() -> None:
    operator = UserFactory.create(email="operator@ipx.example", is_staff=True)
    banker = UserFactory.create(email="banker@ipx.example")
    MembershipFactory.create(user=banker, organisation=OrganisationFactory.create(kind=Organisation.Kind.FINANCIAL),
                             role=Membership.Role.ADMIN)
    owner = UserFactory.create(email="owner@ipx.example")
    outsider_staff = UserFactory.create(email="staff@elsewhere.example", is_staff=True)

    assert give_authenticators() == [banker, operator]
    give_authenticators()  # again: nothing doubled
    assert sorted(TOTPDevice.objects.values_list("user__email", flat=True)) == [
        "banker@ipx.example", "operator@ipx.example"]
    device = TOTPDevice.objects.get(user=operator)
    assert device.verify_token(_code("operator@ipx.example"))
    for email in (owner.email, outsider_staff.email, "nobody@ipx.example"):
        with pytest.raises(CommandError, match="has no demo authenticator app"):
            _code(email)


def test_demo_codes_are_never_printed_in_production() -> None:
    UserFactory.create(email="operator@ipx.example", is_staff=True)
    give_authenticators()
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="demo installations only"):
        _code("operator@ipx.example")
