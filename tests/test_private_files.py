"""Private files are never served by an address anyone can guess, even with DEBUG on: not
under /media/ (which serves trademark images only), not anywhere else in the URL
configuration. The access-checked views still serve them to the people they are for, by
streaming or, behind nginx, by an internal redirect."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver
from django.views.static import serve

import ipx.urls
from ipx.catalog.importing.services import import_job_create
from ipx.catalog.models import ImportJob, Trademark
from ipx.catalog.tests.import_files import GOOD_AND_BAD
from ipx.catalog.tests.import_files import upload as spreadsheet
from ipx.core.storage import public_media_storage
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.deals.models import Attachment, Deal
from ipx.deals.negotiation import messages, threads
from ipx.listings import documents
from ipx.listings.models import ListingDocument
from ipx.listings.tests.files import pdf_bytes, png_bytes, published_listing, upload
from ipx.testing.factories import TrademarkFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NDA = "The recipient keeps the documents of this listing confidential for three years."
CHINESE_QUOTE = "报价单.pdf"
CHINESE_QUOTE_HEADER = "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95.pdf"


@dataclass
class PrivateFiles:
    attachment: Attachment
    document: ListingDocument
    deal: Deal
    job: ImportJob

    def stored_names(self) -> dict[str, str]:
        return {"attachment": str(self.attachment.file.name), "document": str(self.document.file.name),
                "contract": str(self.deal.contract_pdf.name), "import": str(self.job.file.name)}


@pytest.fixture
def private_files(owner: Member, buyer: Member) -> PrivateFiles:
    listing = published_listing(owner, requires_nda=True, nda_text=NDA)
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                 message="请问可以独占许可吗？")
    message = messages.message_post(thread_id=thread.pk, actor=owner.user, body="报价见附件",
                                    files=[upload(CHINESE_QUOTE, pdf_bytes())])
    document = documents.listing_document_add(listing_id=listing.pk, actor=owner.user, title="检索报告",
                                              file=upload("report.pdf", pdf_bytes()))
    job = import_job_create(organisation_id=owner.organisation.pk, actor=owner.user,
                            uploaded_file=spreadsheet(GOOD_AND_BAD, "我的专利.csv"))
    return PrivateFiles(attachment=message.attachments.get(), document=document, deal=make_deal(owner, buyer),
                        job=job)


@pytest.fixture
def debug_urls(settings: Any) -> Iterator[None]:
    """The URL configuration as a server started with DEBUG on builds it (it is read once, at
    import, and the tests run with DEBUG off)."""
    settings.DEBUG = True
    importlib.reload(ipx.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(ipx.urls)
    clear_url_caches()


def guesses(name: str) -> list[str]:
    """Where someone who learnt a stored name (or the old naming scheme) would look for it."""
    return [f"/media/{name}", f"/media/private/{name}", f"/private/{name}", f"/media/trademarks/../{name}",
            f"/media/trademarks/%2e%2e/{name}", f"/media/trademarks/..%2f{name}",
            f"/media/trademarks/%2e%2e%2f..%2fprivate%2f{name}", f"/static/../private/{name}"]


def test_private_files_cannot_be_fetched_by_any_media_path_even_with_debug(
        private_files: PrivateFiles, debug_urls: None, settings: Any) -> None:
    mark = TrademarkFactory.create()
    mark.image.save("mark.png", ContentFile(png_bytes()))
    anonymous = Client()
    # The route is live: public media (a trademark image) is served with DEBUG on.
    public = anonymous.get(f"/media/{mark.image.name}")
    assert (public.status_code, b"".join(public.streaming_content)) == (200, png_bytes())

    for kind, name in private_files.stored_names().items():
        assert (Path(settings.IPX_PRIVATE_ROOT) / name).is_file(), kind
        for path in guesses(name):
            # 404, or 400 where Django refuses a path out of the public folder as suspicious.
            assert anonymous.get(path).status_code in (400, 404), (kind, path)


def test_files_left_in_an_old_media_directory_are_not_served_even_with_debug(debug_urls: None,
                                                                           settings: Any) -> None:
    # A deployment that has not yet moved its pre-split uploads out of MEDIA_ROOT.
    old = Path(settings.MEDIA_ROOT) / "contracts" / "deal-1-0123456789abcdef.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(pdf_bytes())

    assert Client().get("/media/contracts/deal-1-0123456789abcdef.pdf").status_code == 404


def test_trademark_images_are_kept_in_public_media(settings: Any) -> None:
    mark = TrademarkFactory.create()
    mark.image.save("mark.png", ContentFile(png_bytes()))

    assert Trademark._meta.get_field("image")._storage_callable is public_media_storage
    assert (Path(settings.MEDIA_ROOT) / mark.image.name).read_bytes() == png_bytes()
    assert mark.image.url == f"/media/{mark.image.name}"
    assert not Path(settings.IPX_PRIVATE_ROOT).exists()


def static_serves(patterns: list[URLPattern | URLResolver]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from static_serves(pattern.url_patterns)
        elif pattern.callback is serve:
            yield pattern


def test_no_url_serves_the_private_root(debug_urls: None, settings: Any) -> None:
    roots = [Path(p.default_args["document_root"]) for p in static_serves(get_resolver().url_patterns)]

    assert roots == [Path(settings.MEDIA_ROOT) / "trademarks"]
    private = Path(settings.IPX_PRIVATE_ROOT).resolve()
    assert all(not root.resolve().is_relative_to(private) and not private.is_relative_to(root.resolve())
               for root in roots)


def downloads(files: PrivateFiles) -> list[tuple[str, str, str, str]]:
    """(address, stored name, Content-Type, Content-Disposition) of every access-checked download."""
    attachment, document, deal = files.attachment, files.document, files.deal
    contract = f'inline; filename="{deal_number(deal)}.pdf"'
    report = 'attachment; filename="report.pdf"'
    return [
        (f"/negotiations/attachments/{attachment.pk}/", attachment.file.name, "application/pdf",
         CHINESE_QUOTE_HEADER),
        (f"/api/v1/attachments/{attachment.pk}", attachment.file.name, "application/pdf", CHINESE_QUOTE_HEADER),
        (f"/negotiations/documents/{document.pk}/", document.file.name, "application/pdf", report),
        (f"/api/v1/listings/{document.listing_id}/documents/{document.pk}", document.file.name, "application/pdf",
         report),
        (f"/deals/{deal.pk}/contract.pdf", deal.contract_pdf.name, "application/pdf", contract),
        (f"/api/v1/deals/{deal.pk}/contract", deal.contract_pdf.name, "application/pdf", contract),
    ]


def test_the_access_checked_views_still_serve_private_files(private_files: PrivateFiles, owner: Member,
                                                           settings: Any) -> None:
    settings.IPX_FILES_ACCEL_PREFIX = ""
    for url, name, content_type, disposition in downloads(private_files):
        response = owner.client.get(url)
        assert response.status_code == 200, url
        assert (response["Content-Type"], response["Content-Disposition"], response["Cache-Control"],
                response["X-Content-Type-Options"]) == (content_type, disposition, "private, no-store", "nosniff")
        body = b"".join(response.streaming_content)
        assert body == (Path(settings.IPX_PRIVATE_ROOT) / name).read_bytes(), url
        assert "X-Accel-Redirect" not in response


def test_behind_nginx_the_views_answer_an_internal_redirect(private_files: PrivateFiles, owner: Member,
                                                           outsider: Member, settings: Any) -> None:
    settings.IPX_FILES_ACCEL_PREFIX = "/_private"
    for url, name, content_type, disposition in downloads(private_files):
        response = owner.client.get(url)
        assert (response.status_code, response.content) == (200, b""), url
        assert response["X-Accel-Redirect"] == f"/_private/{name}"
        assert (response["Content-Type"], response["Content-Disposition"], response["Cache-Control"],
                response["X-Content-Type-Options"]) == (content_type, disposition, "private, no-store", "nosniff")
        # Someone the view turns away gets no redirect to follow.
        refused = outsider.client.get(url)
        assert refused.status_code in (403, 404), url
        assert "X-Accel-Redirect" not in refused
        anonymous = Client().get(url)
        assert anonymous.status_code in (302, 401), url
        assert "X-Accel-Redirect" not in anonymous


def test_the_back_office_shows_an_import_job_without_linking_its_private_file(private_files: PrivateFiles,
                                                                              rf: RequestFactory) -> None:
    job = private_files.job
    request = rf.get(f"/admin/catalog/importjob/{job.pk}/change/")
    request.user = UserFactory.create(is_staff=True, is_superuser=True)
    request.session = SessionStore()

    response = admin.site._registry[ImportJob].change_view(request, str(job.pk))
    html = response.render().content.decode()

    assert response.status_code == 200
    assert "我的专利.csv" in html
    assert str(job.file.name) not in html and "/media/" not in html
