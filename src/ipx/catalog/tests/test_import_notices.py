"""The uploader is told how its import ended (it may have left the page long before a large
file is done): done with the counts, or failed with the reason, linking to the job's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from ipx.catalog.importing.services import import_job_create
from ipx.catalog.tests.import_files import GOOD_AND_BAD, damaged_sheet, upload
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def test_the_uploader_hears_the_import_is_done_with_its_counts(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                                uploaded_file=upload(GOOD_AND_BAD, "我的专利.csv"))
    notice = Notification.objects.get()
    assert (notice.user, notice.verb, notice.url) == (owner.user, "import.done", f"/catalog/imports/{job.pk}/")
    assert notice.title == "Import of 我的专利.csv done"
    assert notice.body == ("IP rights created: 2; updated: 0; rows refused: 1. The row report is on the import's "
                           "page.")
    assert [(m.to, m.subject) for m in mail.outbox] == [([owner.user.email], "Import of 我的专利.csv done")]


def test_a_failed_import_says_why_and_what_it_wrote(owner: Member, monkeypatch: pytest.MonkeyPatch,
                                                    on_commit: Callable[..., Any]) -> None:
    monkeypatch.setattr("ipx.catalog.importing.services.open_sheet", lambda handle: damaged_sheet(3))
    with on_commit():
        import_job_create(organisation_id=owner.organisation.pk, actor=owner.user, uploaded_file=upload(GOOD_AND_BAD))
    notice = Notification.objects.get()
    assert (notice.verb, notice.title) == ("import.failed", "Import of patents.csv failed")
    assert notice.body == ("Row 5 of the workbook cannot be read: the file is damaged. Before it stopped, IP rights "
                           "created: 3; updated: 0.")


def test_nothing_is_told_while_the_import_has_not_ended(owner: Member) -> None:
    import_job_create(organisation_id=owner.organisation.pk, actor=owner.user, uploaded_file=upload(GOOD_AND_BAD))
    assert not Notification.objects.exists() and mail.outbox == []
