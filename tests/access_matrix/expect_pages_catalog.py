"""The catalog, import, listing and search pages, the listing's documents and its NDA."""

from __future__ import annotations

from typing import Any

from ipx.testing.access_world import ROLES, AccessWorld
from ipx.testing.factories import valid_application_number
from ipx.testing.upload_files import patent_csv, pdf_upload

from .matrix import (
    DENY,
    FLASH,
    FORM,
    HIDE,
    HOME,
    HOME_ONLY,
    HOME_OR_OPERATOR,
    HOME_ROLES,
    LOGIN,
    MOVED,
    OK,
    PUBLIC,
    SIGNED_IN,
    Entry,
    const,
    every,
    form_page,
    ids,
    post_only,
    read_only,
)

# Pages of the person's current organisation; an operator has none and is sent to their page.
OWN_ORGANISATION = every(OK, anonymous=LOGIN, operator=MOVED)
SELLERS_PAGE = every(DENY, anonymous=LOGIN, **HOME)  # a public listing's pages for its seller's members
PUBLISHED = ids(listing_id="published")


def _patent_form(world: AccessWorld, role: str) -> dict[str, str]:
    return {
        "title": "一种固态电解质及其制备方法",
        "legal_status": "pending",
        "kind": "invention",
        "application_number": valid_application_number(8002),
        "filing_date": "2021-03-01",
        "ipc_codes": "H01M",
    }


def _listing_form(world: AccessWorld, role: str) -> dict[str, object]:
    return {
        "title": "锂电池隔膜专利转让（修订）",
        "asset_ids": [str(link.asset_id) for link in world.draft.asset_links.all()],
        "offer_kinds": ["transfer"],
        "price_type": "negotiable",
        "currency": "CNY",
    }


def _new_listing_form(world: AccessWorld, role: str) -> dict[str, object]:
    # Home's free asset, whoever sends it: only home's members may offer it.
    return {
        "title": "新挂牌",
        "asset_ids": [str(world.free_asset.pk)],
        "offer_kinds": ["transfer"],
        "price_type": "negotiable",
        "currency": "CNY",
    }


def _import_form(world: AccessWorld, role: str) -> dict[str, object]:
    own = world.own_organisation(role)
    return {"organisation_id": str(own.pk if own is not None else world.home.pk), "file": patent_csv(3)}


def _listing_action(name: str, listing: str) -> dict[str, Any]:
    return {"variant": name, "args": ids(listing_id=listing, name=lambda w: name)}


ENTRIES: list[Entry] = [
    *read_only("catalog/assets/", OWN_ORGANISATION),
    *form_page(
        "catalog/assets/new/",
        OWN_ORGANISATION,
        OWN_ORGANISATION | {"unverified": OK},
        query="type=patent",
        body=_patent_form,
        note="each registers an asset of its own organisation",
    ),
    *read_only("catalog/assets/<id:asset_id>/", PUBLIC, login=False, args=ids(asset_id="free_asset")),
    *form_page(
        "catalog/assets/<id:asset_id>/edit/", HOME_ONLY, HOME_ONLY, args=ids(asset_id="free_asset"), body=_patent_form
    ),
    *post_only("catalog/assets/<id:asset_id>/delete/", HOME_ONLY, args=ids(asset_id="free_asset")),
    *form_page("catalog/imports/new/", OWN_ORGANISATION, OWN_ORGANISATION, body=_import_form),
    *read_only("catalog/imports/template.<slug:fmt>", PUBLIC, login=False, args=ids(fmt=lambda w: "csv")),
    *read_only("catalog/imports/<id:job_id>/", every(HIDE, anonymous=LOGIN, **HOME), args=ids(job_id="import_job")),
    *read_only("catalog/ipc/", PUBLIC, login=False),
    *read_only("catalog/ipc/<path:code>/", PUBLIC, login=False, args=ids(code=lambda w: "H01M")),
    *read_only("catalog/nice/", PUBLIC, login=False),
    *form_page(
        "listings/new/",
        OWN_ORGANISATION,
        every(FORM, anonymous=LOGIN, operator=MOVED, **HOME),
        body=_new_listing_form,
        note="a listing of the person's current organisation: home's asset is no choice for others",
    ),
    *read_only("listings/<id:listing_id>/", PUBLIC, login=False, args=PUBLISHED),
    *read_only(
        "listings/<id:listing_id>/",
        every(HIDE, operator=OK, **HOME),
        login=False,
        args=ids(listing_id="draft"),
        variant="draft",
    ),
    *form_page(
        "listings/<id:listing_id>/edit/",
        HOME_ONLY | {"unverified": HIDE, "outsider": HIDE, "agent": HIDE, "bank": HIDE},
        HOME_ONLY | {"unverified": HIDE, "outsider": HIDE, "agent": HIDE, "bank": HIDE},
        args=ids(listing_id="draft"),
        body=_listing_form,
    ),
    *form_page(
        "listings/<id:listing_id>/documents/",
        SELLERS_PAGE,
        SELLERS_PAGE,
        args=PUBLISHED,
        body=lambda w, role: {"title": "检测报告", "file": pdf_upload("report.pdf")},
    ),
    *post_only(
        "listings/<id:listing_id>/documents/<id:document_id>/delete/",
        every(FLASH, anonymous=LOGIN, **HOME),
        args=ids(listing_id="published", document_id="document"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=FLASH, **HOME),
        **_listing_action("submit", "draft"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=OK, **HOME),
        body=const({"reason": "补充资料"}),
        **_listing_action("recall", "submitted"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(FLASH, anonymous=LOGIN, operator=OK, **HOME),
        body=const({"reason": "暂停出售"}),
        **_listing_action("withdraw", "published"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=FLASH, **HOME),
        **_listing_action("reopen", "withdrawn"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(HIDE, anonymous=LOGIN, operator=FLASH, **HOME),
        **_listing_action("delete", "draft"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(FLASH, anonymous=LOGIN, operator=OK),
        body=const({"note": ""}),
        **_listing_action("approve", "submitted"),
    ),
    *post_only(
        "listings/<id:listing_id>/<slug:name>/",
        every(FLASH, anonymous=LOGIN, operator=OK),
        body=const({"reason": "请补充权利要求书。"}),
        **_listing_action("reject", "submitted"),
    ),
    *read_only("search/", PUBLIC, login=False, query="q=锂电池"),
    *post_only(
        "negotiations/listings/<id:listing_id>/nda/",
        every(OK, anonymous=LOGIN, unverified=FLASH, member=FLASH, signatory=FLASH, admin=FLASH, operator=FLASH),
        args=PUBLISHED,
        body=const({"next": "/"}),
        note="each for its current organisation; the seller has nothing to accept",
    ),
    *read_only(
        "negotiations/documents/<id:document_id>/",
        HOME_OR_OPERATOR,
        args=ids(document_id="document"),
        note="behind the listing's NDA, which nobody outside home has accepted",
    ),
    Entry(
        "negotiations/documents/<id:document_id>/",
        "GET",
        every(OK, anonymous=LOGIN, unverified=DENY),
        args=ids(document_id="open_document"),
        variant="without NDA",
        note="members of verified organisations; an unverified one is refused as on the NDA and inquiry paths",
    ),
    *read_only(
        "negotiations/listings/<id:listing_id>/",
        PUBLIC,
        login=False,
        args=PUBLISHED,
        secret="nda document",
        sees=HOME_ROLES | {"operator"},
        note="the listing's panel: its documents once the NDA is accepted",
    ),
    Entry(
        "negotiations/listings/<id:listing_id>/",
        "GET",
        PUBLIC,
        args=ids(listing_id=lambda w: w.open_document.listing_id),
        variant="without NDA",
        secret="open document",
        sees=frozenset(ROLES) - {"anonymous", "unverified"},
    ),
    *post_only(
        "negotiations/listings/<id:listing_id>/inquire/",
        every(OK, anonymous=LOGIN, unverified=FORM, operator=FORM),
        args=ids(listing_id="counterparty_listing"),
        body=const({"message": "请问还能许可吗？"}),
        note="each for its current organisation: home reopens its thread, others open their own",
    ),
    Entry(
        "media/trademarks/<path:path>",
        "GET",
        every(HIDE),
        args=ids(path=lambda w: w.to_sign.contract_pdf.name),
        note="public trademark images only: a private file's stored name is nothing there",
    ),
    Entry("media/trademarks/<path:path>", "POST", every(HIDE), args=ids(path=lambda w: w.to_sign.contract_pdf.name)),
]

_ = SIGNED_IN
