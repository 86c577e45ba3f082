"""The API's catalog, imports, listings, their documents, search and notifications."""

from __future__ import annotations

from ipx.testing.access_world import ROLES, AccessWorld
from ipx.testing.factories import valid_application_number
from ipx.testing.upload_files import patent_csv, pdf_upload

from .matrix import (
    CONFLICT,
    DENY,
    HIDE,
    HOME,
    HOME_ONLY,
    HOME_OR_OPERATOR,
    HOME_ROLES,
    LOGIN,
    OK,
    OPERATORS,
    PUBLIC,
    SIGNED_IN,
    Entry,
    const,
    every,
    ids,
)

# Home's own things that nobody but operators may even learn of: a draft listing.
HOME_HIDDEN = every(HIDE, anonymous=LOGIN, operator=DENY, **HOME)
# Steps of home's listings that operators may take too (recall from review, withdraw).
HOME_OR_OPERATOR_STEP = every(DENY, anonymous=LOGIN, operator=OK, **HOME)


def _patent(world: AccessWorld, role: str) -> dict[str, object]:
    return {
        "organisation_id": world.home.pk,
        "ip_type": "patent",
        "title": "一种固态电解质及其制备方法",
        "legal_status": "pending",
        "kind": "invention",
        "application_number": valid_application_number(8001),
        "filing_date": "2021-03-01",
        "ipc_codes": ["H01M"],
    }


def _listing(world: AccessWorld, role: str) -> dict[str, object]:
    return {
        "organisation_id": world.home.pk,
        "title": "固态电池专利转让",
        "asset_ids": [world.free_asset.pk],
        "offer_kinds": ["transfer"],
        "price_type": "negotiable",
        "currency": "CNY",
    }


def _nda_for_own(world: AccessWorld, role: str) -> dict[str, object]:
    organisation = world.own_organisation(role) or world.home
    return {"organisation_id": organisation.pk}


PUBLISHED = ids(listing_id="published")
DRAFT = ids(listing_id="draft")
SUBMITTED = ids(listing_id="submitted")
DOCUMENT = ids(listing_id="published", document_id="document")

ENTRIES = [
    Entry("/api/v1/assets", "POST", HOME_ONLY, body=_patent),
    Entry("/api/v1/assets/{asset_id}", "GET", PUBLIC, args=ids(asset_id="free_asset")),
    Entry(
        "/api/v1/assets/{asset_id}",
        "PATCH",
        HOME_ONLY,
        args=ids(asset_id="free_asset"),
        body=const({"title": "一种锂电池隔膜（修订）"}),
    ),
    Entry("/api/v1/assets/{asset_id}", "DELETE", HOME_ONLY, args=ids(asset_id="free_asset")),
    Entry("/api/v1/organisations/{organisation_id}/assets", "GET", HOME_ONLY, args=ids(organisation_id="home")),
    Entry("/api/v1/ipc", "GET", PUBLIC, query="q=H01M"),
    Entry("/api/v1/ipc/{code}", "GET", PUBLIC, args=ids(code=lambda w: "H01M")),
    Entry("/api/v1/nice-classes", "GET", PUBLIC),
    Entry(
        "/api/v1/imports",
        "POST",
        HOME_ONLY,
        multipart=True,
        body=lambda w, role: {"organisation_id": w.home.pk, "file": patent_csv(2)},
    ),
    Entry("/api/v1/imports/{job_id}", "GET", every(HIDE, anonymous=LOGIN, **HOME), args=ids(job_id="import_job")),
    Entry("/api/v1/listings", "POST", HOME_ONLY, body=_listing),
    Entry("/api/v1/listings/review-queue", "GET", OPERATORS),
    Entry("/api/v1/listings/{listing_id}", "GET", PUBLIC, args=PUBLISHED),
    Entry("/api/v1/listings/{listing_id}", "GET", every(HIDE, operator=OK, **HOME), args=DRAFT, variant="draft"),
    Entry(
        "/api/v1/listings/{listing_id}",
        "PATCH",
        HOME_HIDDEN,
        args=DRAFT,
        body=const({"title": "锂电池隔膜专利转让（新）"}),
    ),
    Entry(
        "/api/v1/listings/{listing_id}",
        "PATCH",
        every(DENY, anonymous=LOGIN, member=CONFLICT, signatory=CONFLICT, admin=CONFLICT),
        args=PUBLISHED,
        variant="assets under an open offer",
        body=lambda w, role: {"asset_ids": [w.free_asset.pk]},
        note="rule 2: an open offer fixes the listing's assets",
    ),
    Entry("/api/v1/listings/{listing_id}", "DELETE", HOME_HIDDEN, args=DRAFT),
    Entry("/api/v1/listings/{listing_id}/history", "GET", HOME_OR_OPERATOR, args=PUBLISHED),
    Entry("/api/v1/listings/{listing_id}/submit", "POST", HOME_HIDDEN, args=DRAFT),
    Entry(
        "/api/v1/listings/{listing_id}/recall",
        "POST",
        every(HIDE, anonymous=LOGIN, operator=OK, **HOME),
        args=SUBMITTED,
        body=const({"reason": "补充资料"}),
    ),
    Entry(
        "/api/v1/listings/{listing_id}/withdraw",
        "POST",
        HOME_OR_OPERATOR_STEP,
        args=PUBLISHED,
        body=const({"reason": "暂停出售"}),
    ),
    Entry("/api/v1/listings/{listing_id}/reopen", "POST", HOME_HIDDEN, args=ids(listing_id="withdrawn")),
    # Only operators review: asked before the listing is read, so nobody learns of it.
    Entry("/api/v1/listings/{listing_id}/approve", "POST", OPERATORS, args=SUBMITTED, body=const({"note": ""})),
    Entry(
        "/api/v1/listings/{listing_id}/reject",
        "POST",
        OPERATORS,
        args=SUBMITTED,
        body=const({"reason": "请补充权利要求书。"}),
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}/listings",
        "GET",
        PUBLIC,
        args=ids(organisation_id="home"),
        secret="draft",
        sees=HOME_ROLES,
        note="its members see its drafts too",
    ),
    Entry(
        "/api/v1/organisations/{organisation_id}/listings",
        "GET",
        HOME_ONLY | {"anonymous": DENY},
        args=ids(organisation_id="home"),
        query="status=draft",
        variant="drafts",
    ),
    Entry(
        "/api/v1/listings/{listing_id}/documents",
        "GET",
        SIGNED_IN,
        args=PUBLISHED,
        secret="nda document",
        sees=HOME_ROLES | {"operator"},
        note="the list says whether the reader may open them; the documents come with the NDA",
    ),
    Entry(
        "/api/v1/listings/{listing_id}/documents",
        "GET",
        SIGNED_IN,
        args=ids(listing_id=lambda w: w.open_document.listing_id),
        variant="without NDA",
        secret="open document",
        sees=frozenset(ROLES) - {"anonymous", "unverified"},
        note="listed to whom may open them: not to an unverified organisation",
    ),
    Entry(
        "/api/v1/listings/{listing_id}/documents",
        "POST",
        HOME_ONLY,
        args=PUBLISHED,
        multipart=True,
        body=lambda w, role: {"title": "检测报告", "file": pdf_upload("report.pdf")},
    ),
    Entry(
        "/api/v1/listings/{listing_id}/documents/{document_id}",
        "GET",
        HOME_OR_OPERATOR,
        args=DOCUMENT,
        note="behind the listing's NDA, which nobody outside home has accepted",
    ),
    Entry(
        "/api/v1/listings/{listing_id}/documents/{document_id}",
        "GET",
        every(OK, anonymous=LOGIN, unverified=DENY),
        args=ids(listing_id=lambda w: w.open_document.listing_id, document_id="open_document"),
        variant="without NDA",
        note="members of verified organisations; an unverified one is refused as on the NDA and inquiry paths",
    ),
    Entry("/api/v1/listings/{listing_id}/documents/{document_id}", "DELETE", HOME_ONLY, args=DOCUMENT),
    Entry(
        "/api/v1/listings/{listing_id}/nda",
        "POST",
        every(OK, anonymous=LOGIN, unverified=DENY, member=CONFLICT, signatory=CONFLICT, admin=CONFLICT, operator=DENY),
        args=PUBLISHED,
        body=_nda_for_own,
        note="each for its own organisation; the seller has nothing to accept",
    ),
    Entry("/api/v1/search/listings", "GET", PUBLIC, query="q=锂电池"),
    Entry("/api/v1/notifications", "GET", SIGNED_IN),
    Entry("/api/v1/notifications/read", "POST", SIGNED_IN, body=const({})),
    Entry(
        "/api/v1/notifications/read",
        "POST",
        SIGNED_IN,
        variant="the member's",
        body=lambda w, role: {"ids": [w.notification.pk]},
        untouched=frozenset(ROLES) - {"member"},
        note="naming another person's notification marks nothing",
    ),
]
