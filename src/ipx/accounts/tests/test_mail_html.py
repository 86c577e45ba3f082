"""The account mails (confirming an address, signing up again, resetting and changing a
password, an organisation verified or not, an invitation) come as plain text and as HTML,
both in the recipient's language: the HTML names its language on <html>, its links are real
links, and names in another script than the mail's are marked with their own language."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import translation

from ipx.accounts import services
from ipx.accounts.inputs import InvitationInput, UserInput
from ipx.accounts.models import User
from ipx.accounts.passwords.services import password_changed, password_reset_mail
from ipx.accounts.tests.helpers import register_organisation
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
ORG = {"name": "珠海海洋装备研究院", "kind": "university", "region_kind": "mainland", "province": "44",
       "city": "珠海", "uscc": "91310112087994932F"}
MARKED_NAME = '<span lang="zh-Hans" dir="auto">珠海海洋装备研究院</span>'


def _parts(message: EmailMessage) -> tuple[str, str]:
    """The text and the HTML part of a mail (it must have exactly these two)."""
    assert isinstance(message, EmailMultiAlternatives)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(message.body), str(html)


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[!-~]*/", text)  # the site's addresses end in a slash


def _assert_linked(text: str, html: str, links: list[str]) -> None:
    """Each link of the text part is in the HTML part as a link, and nowhere as bare text."""
    assert _links(text) == links
    for link in links:
        assert link.startswith(SITE)
        assert f'<a href="{link}">{link}</a>' in html
        assert html.count(link) == 2


def _gettext(language: str, message: str, **values: object) -> str:
    with translation.override(language):
        return translation.gettext(message) % values


def test_the_confirmation_mail_has_an_html_part_in_the_new_persons_language_with_its_link(
        on_commit: Callable[..., Any]) -> None:
    with on_commit():
        services.user_sign_up(account=UserInput.parse(email="han.meimei@example.com", password="a long secret 123",
                                                      full_name="韩梅梅", preferred_language="zh-hans"))

    [message] = mail.outbox
    text, html = _parts(message)
    [link] = _links(text)
    assert link.startswith(f"{SITE}/accounts/email/confirm/")
    assert (message.to, message.subject) == (["han.meimei@example.com"], "请确认您在 IPX 的电子邮箱")
    assert text == _gettext("zh-hans", "To confirm that this address is yours, open %(link)s (valid for %(days)d "
                                       "days).\nIf you did not sign up on IPX, ignore this mail.", link=link, days=7)
    assert '<html lang="zh-hans">' in html and "<title>请确认您在 IPX 的电子邮箱</title>" in html
    assert "<h1>请确认您在 IPX 的电子邮箱</h1>" in html
    _assert_linked(text, html, [link])


def test_signing_up_with_a_taken_address_mails_its_owner_both_links_in_text_and_html(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    User.objects.filter(pk=owner.user.pk).update(preferred_language="zh-hant")
    with on_commit():
        services.user_sign_up(account=UserInput.parse(email="OWNER@example.com", password="a long secret 123",
                                                      full_name="Someone", preferred_language="en"))

    [message] = mail.outbox
    text, html = _parts(message)
    assert message.subject == _gettext("zh-hant", "Someone tried to sign up on IPX with your address")
    assert message.subject != "Someone tried to sign up on IPX with your address"
    assert '<html lang="zh-hant">' in html
    _assert_linked(text, html, [f"{SITE}/accounts/login/", f"{SITE}/accounts/password/reset/"])


def test_the_reset_mail_has_the_reset_link_in_text_and_html(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        password_reset_mail(email="owner@example.com")

    [message] = mail.outbox
    text, html = _parts(message)
    [link] = _links(text)
    assert "/password/reset/" in link
    assert (message.subject, '<html lang="en">' in html) == ("Choose a new IPX password", True)
    assert text == (f"To choose a new password, open {link} (it works once, for 60 minutes).\n"
                    "If you did not ask for this, ignore this mail: your password stays as it is.")
    # The text's line break is a line break in the HTML too.
    assert f'open <a href="{link}">{link}</a> (it works once, for 60 minutes).<br>If you did not' in html
    _assert_linked(text, html, [link])


def test_the_password_changed_mail_marks_the_address_in_a_chinese_mail_and_links_the_reset_page(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    User.objects.filter(pk=owner.user.pk).update(preferred_language="zh-hans")
    owner.user.refresh_from_db()
    with on_commit():
        password_changed(user=owner.user, request=None, reset=False)

    [message] = mail.outbox
    text, html = _parts(message)
    assert message.subject == _gettext("zh-hans", "Your IPX password was changed") != "Your IPX password was changed"
    assert '<html lang="zh-hans">' in html
    assert '<span lang="en" dir="auto">owner@example.com</span>' in html
    _assert_linked(text, html, [f"{SITE}/accounts/password/reset/"])


def test_verification_and_rejection_mails_mark_a_chinese_name_in_an_english_mail(
        operator: User, on_commit: Callable[..., Any]) -> None:
    admin = UserFactory.create(email="admin@uni.example", preferred_language="en")
    organisation = register_organisation(admin, **ORG)
    with on_commit():
        services.organisation_reject(organisation_id=organisation.pk, operator=operator, reason="营业执照不清晰")
    services.organisation_resubmit(organisation_id=organisation.pk, actor=admin)
    with on_commit():
        services.organisation_verify(organisation_id=organisation.pk, operator=operator)

    rejected, verified = mail.outbox
    rejected_text, rejected_html = _parts(rejected)
    verified_text, verified_html = _parts(verified)
    assert rejected_text == ("The operator could not verify 珠海海洋装备研究院: 营业执照不清晰\n"
                             "Correct the details and resubmit.")
    assert (f"<h1>{MARKED_NAME} was not verified on IPX</h1>" in rejected_html,
            f"<p>The operator could not verify {MARKED_NAME}: <span lang=\"zh-Hans\" dir=\"auto\">营业执照不清晰</span>"
            "<br>Correct the details and resubmit.</p>" in rejected_html) == (True, True)
    assert verified_text == "Your organisation 珠海海洋装备研究院 has been verified. You can now publish listings."
    assert f"<h1>{MARKED_NAME} is verified on IPX</h1>" in verified_html
    assert all('<html lang="en">' in html and _links(html) == [] for html in (rejected_html, verified_html))


def test_the_invitation_mail_has_its_link_in_text_and_html_in_the_invited_persons_language(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    UserFactory.create(email="colleague@example.com", preferred_language="zh-hant")
    with on_commit():
        invitation = services.invitation_create(
            organisation_id=owner.organisation.pk, inviter=owner.user,
            invitation=InvitationInput.parse(email="colleague@example.com", role="member"))

    [message] = mail.outbox
    text, html = _parts(message)
    link = f"{SITE}/accounts/invitations/{invitation.token}/"
    assert message.subject == _gettext("zh-hant", "You are invited to join %(name)s on IPX",
                                       name=owner.organisation.name)
    assert '<html lang="zh-hant">' in html
    _assert_linked(text, html, [link])


def test_a_mail_with_words_to_escape_escapes_them_in_html_and_leaves_the_text_as_typed(
        operator: User, on_commit: Callable[..., Any]) -> None:
    admin = UserFactory.create(email="admin@uni.example", preferred_language="en")
    organisation = register_organisation(admin, **ORG)
    with on_commit():
        services.organisation_reject(organisation_id=organisation.pk, operator=operator,
                                     reason='<a href="https://evil.example/">licence</a> & "stamp"')

    text, html = _parts(mail.outbox[0])
    assert '<a href="https://evil.example/">licence</a> & "stamp"' in text
    assert "evil.example/\">" not in html and "<a " not in html
    assert "&lt;a href=&quot;https://evil.example/&quot;&gt;licence&lt;/a&gt; &amp; &quot;stamp&quot;" in html
