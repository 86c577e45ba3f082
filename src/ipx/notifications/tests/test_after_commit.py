"""A notice asked for by an app below this one (``core.notices.notify_after_commit``) is sent
once the asking transaction commits, to the people and the organisations' members it names,
and not at all when that transaction rolls back; a verb without wording fails at the asking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from ipx.catalog.importing import notices  # noqa: F401 - the import notices' wording
from ipx.core.notices import notify_after_commit
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db
PARAMS = {"file": "a.csv", "created": 1, "updated": 0, "refused": 0, "reason": ""}


def test_sent_after_the_commit_to_whom_it_names(owner: Member, buyer: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        notify_after_commit("import.done", params=PARAMS, url="/catalog/imports/1/", user_ids=[owner.user.pk],
                            organisation_ids=[buyer.organisation.pk])
        assert not Notification.objects.exists()
    assert sorted((n.user.email, n.url) for n in Notification.objects.all()) == [
        (buyer.user.email, "/catalog/imports/1/"), (owner.user.email, "/catalog/imports/1/")]


def test_nothing_is_sent_when_the_transaction_rolls_back(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        notify_after_commit("import.done", params=PARAMS, user_ids=[owner.user.pk])
        raise RuntimeError("rolled back")
    assert not Notification.objects.exists()


def test_a_verb_without_wording_fails_where_it_is_asked_for(owner: Member) -> None:
    with pytest.raises(LookupError):
        notify_after_commit("import.unheard_of", params={}, user_ids=[owner.user.pk])
