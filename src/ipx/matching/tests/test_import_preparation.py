"""An import's page and the API say how far the published listings offering its patents are
prepared for meaning-based matching: a re-import that changes their text has them embedded
again in the background, and until then the importer reads how many are ready."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ipx.accounts.models import User
from ipx.catalog.importing.services import import_job_create, import_job_run
from ipx.catalog.models import ImportJob, Patent
from ipx.catalog.tests.import_files import HEADERS, application_number, csv_bytes, patent_row, upload
from ipx.matching.matches import handlers, index
from ipx.matching.tests.match_helpers import (
    AIRCON,
    embedder,  # noqa: F401 - fixture
    offer,
)
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedder")]

NOT_OFFERED = ("None of these patents is offered on a published listing yet; a listing is prepared for "
               "meaning-based matching when it is published.")


def imported(member: Member, rows: list[list[str]], headers: list[str] = HEADERS) -> ImportJob:
    """The file imported by its job (its follow-up tasks wait for a commit that never comes)."""
    job = import_job_create(organisation_id=member.organisation.pk, actor=member.user,
                            uploaded_file=upload(csv_bytes([headers, *rows])))
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    return job


def follow_ups(member: Member, job: ImportJob) -> tuple[str, list[dict[str, Any]]]:
    html = member.client.get(reverse("catalog:import_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    response = member.client.get(f"/api/v1/imports/{job.pk}")
    assert response.status_code == 200
    return html, response.json()["follow_ups"]


def test_a_re_import_shows_the_listings_offering_its_patents_prepared_again(
        owner: Member, operator: User) -> None:
    listings = [offer(owner, operator, doc, ipc) for doc, ipc in AIRCON.items()]
    handlers.follow_listings(listing_ids=[listing.pk for listing in listings])  # all three embedded
    offered = Patent.objects.filter(asset__listings__in=listings[:2]).order_by("pk")
    # The abstracts revised (a listing holds its patents' titles and numbers: test_commitments).
    headers = ["Application number", "Title", "Abstract"]
    rows = [[str(patent.application_number), patent.asset.title, f"{patent.asset.abstract}（修订）"]
            for patent in offered]

    job = imported(owner, [*rows, [application_number(7), "一种空调器的控制方法", ""]], headers)  # and a new one

    new = Patent.objects.get(application_number=application_number(7))
    assert set(job.assets.values_list("pk", flat=True)) == {*(p.asset_id for p in offered), new.asset_id}
    html, api = follow_ups(owner, job)
    sentence = ("Meaning-based matching is being prepared for the published listings offering these patents: "
                "0 of 2 ready.")
    assert api == [{"code": "matching", "sentence": sentence, "finished": False}]
    assert sentence in html and 'hx-trigger="every 3s"' in html

    # The background follow-up of the import's chunk: the two listings embedded again.
    handlers.follow_listings(listing_ids=[listing.pk for listing in listings[:2]])

    html, api = follow_ups(owner, job)
    sentence = "The 2 published listings offering these patents are ready for meaning-based matching."
    assert api == [{"code": "matching", "sentence": sentence, "finished": True}]
    assert sentence in html and "hx-trigger" not in html



def test_an_import_of_patents_on_no_listing_says_when_they_will_be_prepared(owner: Member) -> None:
    job = imported(owner, [patent_row(1), patent_row(2)])

    html, api = follow_ups(owner, job)
    assert api == [{"code": "matching", "sentence": NOT_OFFERED, "finished": True}]
    assert NOT_OFFERED in html and "hx-trigger" not in html


def test_without_meaning_by_configuration_or_before_the_end_nothing_is_said(
        owner: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=upload(csv_bytes([HEADERS, patent_row(1)])))
    html, api = follow_ups(owner, job)  # queued
    assert api == [] and 'id="import-follow-ups"' not in html

    import_job_run(job_id=job.pk)
    monkeypatch.setattr(index, "vector_model_name", lambda: None)
    html, api = follow_ups(owner, job)
    assert api == [] and 'id="import-follow-ups"' not in html
