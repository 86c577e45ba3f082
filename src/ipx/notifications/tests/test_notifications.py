from __future__ import annotations

from typing import Any

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ipx.accounts.models import Membership
from ipx.core.notices import wording
from ipx.notifications.models import Notification
from ipx.notifications.services import notify
from ipx.testing.factories import MembershipFactory, UserFactory

# A wording of this module's own: a title with a known translation, a body from the params.
VERB = "notifications.test"
wording(VERB, title=lambda params: _("Log in"), body=lambda params: str(params["text"]))


def _notify_buyer(buyer: Any, **kwargs: Any) -> list[Notification]:
    return notify(verb=VERB, params={"text": "新报价 CNY 500,000.00"},
                  url="/negotiations/1/", organisations=[buyer.organisation], **kwargs)


def test_every_member_gets_one_notification_and_one_mail_in_their_language(buyer: Any, on_commit: Any) -> None:
    colleague = MembershipFactory.create(organisation=buyer.organisation, role=Membership.Role.MEMBER,
                                         user=UserFactory.create(preferred_language="zh-hans")).user
    with on_commit():
        rows = _notify_buyer(buyer, users=[colleague])  # named twice, notified once

    assert sorted(n.user.email for n in rows) == sorted([buyer.user.email, colleague.email])
    titles = {n.user_id: n.title for n in Notification.objects.all()}
    assert titles[buyer.user.pk] == "Log in"
    with translation.override("zh-hans"):
        assert titles[colleague.pk] == _("Log in") == "登录"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.user.email, colleague.email])
    assert all(m.body.endswith("http://127.0.0.1:8000/negotiations/1/") for m in mail.outbox)


def test_the_actor_is_not_told_about_their_own_action(buyer: Any, on_commit: Any) -> None:
    with on_commit():
        rows = _notify_buyer(buyer, exclude=buyer.user)
    assert rows == []
    assert mail.outbox == []


def test_no_mail_when_the_transaction_rolls_back(buyer: Any) -> None:
    # Without a commit the after-commit mail never goes out.
    _notify_buyer(buyer)
    assert mail.outbox == []


def test_inbox_page_and_mark_read(buyer: Any, outsider: Any) -> None:
    _notify_buyer(buyer)
    client = buyer.client
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert "新报价 CNY 500,000.00" in page.content.decode()
    assert 'class="badge"' in page.content.decode()

    notification = Notification.objects.get()
    response = client.post(reverse("notifications:mark_read"), {"id": notification.pk})
    assert response.status_code == 302 and response["Location"] == "/negotiations/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None

    # Someone else's notification cannot be marked or seen.
    other = outsider.client.get(reverse("notifications:inbox"))
    assert "新报价" not in other.content.decode()


def test_mark_read_refuses_foreign_ids_silently(buyer: Any, outsider: Any) -> None:
    notification = _notify_buyer(buyer)[0]
    outsider.client.post(reverse("notifications:mark_read"), {"id": notification.pk})
    notification.refresh_from_db()
    assert notification.read_at is None


def test_api_lists_and_marks_read(buyer: Any, outsider: Any) -> None:
    _notify_buyer(buyer)
    _notify_buyer(buyer)
    listed = buyer.client.get("/api/v1/notifications?unread=true").json()
    assert listed["count"] == 2
    assert listed["items"][0]["body"] == "新报价 CNY 500,000.00"
    first = listed["items"][0]["id"]

    marked = buyer.client.post("/api/v1/notifications/read", {"ids": [first]}, content_type="application/json")
    assert marked.json() == {"marked": 1, "unread": 1}
    # An outsider cannot mark the buyer's notifications.
    assert outsider.client.post("/api/v1/notifications/read", {"ids": [first + 1]},
                                content_type="application/json").json() == {"marked": 0, "unread": 0}
    marked = buyer.client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert marked.json() == {"marked": 1, "unread": 0}


def test_api_needs_a_user(client: Any, db: None) -> None:
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# Made with a listing's title and an organisation's name, in whatever language their people wrote.
MADE_WITH = "notifications.test_made_with"
wording(MADE_WITH, title=lambda params: _("Log in"),
        body=lambda params: f"{params['organisation']} · {params['listing']}")


def test_the_mail_marks_the_language_of_titles_and_names_in_another_script_than_its_own(
        buyer: Any, on_commit: Any) -> None:
    buyer.user.preferred_language = "en"
    buyer.user.save(update_fields=["preferred_language"])
    colleague = MembershipFactory.create(organisation=buyer.organisation, role=Membership.Role.MEMBER,
                                         user=UserFactory.create(preferred_language="zh-hans")).user
    with on_commit():
        notify(verb=MADE_WITH, params={"listing": "锂电池正极材料专利", "organisation": "Acme <Batteries> Ltd"},
               url="/listings/7/", organisations=[buyer.organisation])

    html = {m.to[0]: str(m.alternatives[0][0]) for m in mail.outbox
            if isinstance(m, EmailMultiAlternatives) and m.alternatives}
    assert set(html) == {buyer.user.email, colleague.email}
    english, chinese = html[buyer.user.email], html[colleague.email]
    assert '<html lang="en">' in english and '<html lang="zh-hans">' in chinese
    # The Chinese title in the English mail, the English name in the Chinese one; each escaped.
    assert '<span lang="zh-Hans" dir="auto">锂电池正极材料专利</span>' in english
    assert '<span dir="auto">Acme &lt;Batteries&gt; Ltd</span>' in english
    assert '<span lang="en" dir="auto">Acme &lt;Batteries&gt; Ltd</span>' in chinese
    assert '<span dir="auto">锂电池正极材料专利</span>' in chinese
    assert 'href="http://127.0.0.1:8000/listings/7/"' in english
    # The plain text part is as it was: the words and the link, no markup.
    assert all(m.body == "Acme <Batteries> Ltd · 锂电池正极材料专利\n\nhttp://127.0.0.1:8000/listings/7/"
               for m in mail.outbox)
