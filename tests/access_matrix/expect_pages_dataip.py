"""The data-IP registry's pages (``ipx.testing.dataip_world``).

Anyone verifies a certificate (by its number, or following its QR code), reads the registry's
public key, the publicity list and an application in publicity; anyone signed in but the
registrant objects to it. A data product's page is its registrant's members' and the
reviewers' (404 to everyone else); a certificate's PDF and signed JSON too. Home's members draft
and edit; applying, withdrawing, asking for a change, renewing and cancelling commit home (its
signatories and administrator). The reviewers (operators) work the queues and take the review
steps; a button of someone else's goes back with the refusal as a message.
"""

from __future__ import annotations

from ipx.testing.access_world import AccessWorld
from ipx.testing.dataip_world import application, sample_csv

from .matrix import (
    DENY,
    FLASH,
    FORM,
    HIDE,
    HOME,
    LOGIN,
    OK,
    OPERATORS,
    PUBLIC,
    SIGNED_IN,
    Args,
    Body,
    every,
    form_page,
    ids,
    post_only,
    read_only,
)


def product(name: str) -> Args:
    return ids(product_id=lambda world: getattr(world.dataip, name).pk)


CERTIFICATE = ids(number=lambda world: world.dataip.certificate.number)
OBJECTION = ids(objection_id=lambda world: world.dataip.objection.pk)
EVIDENCE = ids(evidence_id=lambda world: world.dataip.objection.evidence.get().pk)
REGISTRANT = every(HIDE, anonymous=LOGIN, member=OK, signatory=OK, admin=OK, operator=OK)
# A draft's edit: home's members; the reviewers see the product but may not change it.
EDITORS = every(HIDE, anonymous=LOGIN, operator=DENY, **HOME)
BINDING_FORM = every(HIDE, anonymous=LOGIN, member=DENY, signatory=OK, admin=OK, operator=DENY)
BINDING_STEP = every(HIDE, anonymous=LOGIN, member=FLASH, signatory=OK, admin=OK, operator=FLASH)
REVIEW_STEP = every(HIDE, anonymous=LOGIN, member=FLASH, signatory=FLASH, admin=FLASH, operator=OK)
# Who may draft: a verified organisation's members (for home, only home's; the others' forms
# offer their own organisations only).
DRAFTERS = every(OK, anonymous=LOGIN, unverified=DENY, operator=DENY)
DRAFT_FOR_HOME = every(FORM, anonymous=LOGIN, unverified=DENY, operator=DENY, **HOME)
# An objection: anyone signed in but the registrant, who is told so on the form.
OBJECTORS = every(OK, anonymous=LOGIN, member=FORM, signatory=FORM, admin=FORM)
# The evidence: its objector (the outsider), the registrant and the reviewers.
EVIDENCE_READERS = every(HIDE, anonymous=LOGIN, outsider=OK, operator=OK, **HOME)
DECIDERS = every(HIDE, anonymous=LOGIN, outsider=FLASH, member=FLASH, signatory=FLASH, admin=FLASH, operator=OK)


def _application(world: AccessWorld, role: str) -> dict[str, object]:
    return {**application(name=f"MX 新数据集 {role}"), "registrant": str(world.home.pk), "fingerprint_of": "data_set",
            "sample": sample_csv()}


def _edit(world: AccessWorld, role: str) -> dict[str, object]:
    return {**application(name="MX 数据草稿（改）"), "fingerprint_of": "data_set"}


def _change(world: AccessWorld, role: str) -> dict[str, object]:
    granted = world.dataip.granted
    return {"name": "MX 城市客流数据集（新）", "description": granted.description, "structure": granted.structure,
            "update_frequency": granted.update_frequency, "span_until": granted.span_until.isoformat(),
            "restrictions": granted.restrictions, "records": str(granted.records),
            "size_bytes": str(granted.size_bytes)}


def _note(text: str) -> Body:
    return lambda world, role: {"note": text}


ENTRIES = [
    *read_only("dataip/verify/", PUBLIC, login=False),
    *read_only("dataip/verify/<str:number>/", PUBLIC, login=False, args=CERTIFICATE),
    *read_only(".well-known/ipx-dataip-key.pem", PUBLIC, login=False),
    *read_only("dataip/certificates/<str:number>.pdf", REGISTRANT, args=CERTIFICATE),
    *read_only("dataip/certificates/<str:number>.json", REGISTRANT, args=CERTIFICATE),
    *read_only("dataip/products/", SIGNED_IN),
    *form_page("dataip/products/new/", DRAFTERS, DRAFT_FOR_HOME, body=_application),
    *read_only("dataip/products/<id:product_id>/", REGISTRANT, args=product("draft")),
    *form_page("dataip/products/<id:product_id>/edit/", EDITORS, EDITORS, args=product("draft"), body=_edit),
    *form_page("dataip/products/<id:product_id>/change/", BINDING_FORM, BINDING_FORM, args=product("granted"),
               body=_change),
    *post_only("dataip/products/<id:product_id>/submit/", BINDING_STEP, args=product("draft")),
    *post_only("dataip/products/<id:product_id>/withdraw/", BINDING_STEP, args=product("formal")),
    *post_only("dataip/products/<id:product_id>/renew/", BINDING_STEP, args=product("renewable")),
    *post_only("dataip/products/<id:product_id>/cancel/", BINDING_STEP, args=product("granted"),
               body=lambda world, role: {"reason": "业务调整"}),
    *read_only("dataip/review/", OPERATORS),
    *post_only("dataip/products/<id:product_id>/review/pass_formal/", REVIEW_STEP, args=product("formal"),
               body=_note("材料齐全")),
    *post_only("dataip/products/<id:product_id>/review/return/", REVIEW_STEP, args=product("formal"),
               body=_note("请补充采集方式")),
    *post_only("dataip/products/<id:product_id>/review/reject/", REVIEW_STEP, args=product("formal"),
               body=_note("不属于数据产品")),
    *post_only("dataip/products/<id:product_id>/review/publish/", REVIEW_STEP, args=product("substantive"),
               body=_note("")),
    *post_only("dataip/products/<id:product_id>/review/grant/", REVIEW_STEP, args=product("period_over"),
               body=_note("")),
    *post_only("dataip/products/<id:product_id>/review/refuse/", REVIEW_STEP, args=product("period_over"),
               body=_note("权属不清")),
    *post_only("dataip/products/<id:product_id>/review/approve_change/", REVIEW_STEP, args=product("change")),
    *post_only("dataip/products/<id:product_id>/review/refuse_change/", REVIEW_STEP, args=product("change"),
               body=_note("理由不足")),
    *post_only("dataip/products/<id:product_id>/review/revoke/", REVIEW_STEP, args=product("granted"),
               body=_note("数据来源不合法")),
    *post_only("dataip/objections/<id:objection_id>/decide/", DECIDERS, args=OBJECTION,
               body=lambda world, role: {"decision": "dismiss", "note": "不成立"}),
    *read_only("dataip/evidence/<id:evidence_id>/", EVIDENCE_READERS, args=EVIDENCE),
    *read_only("dataip/publicity/", PUBLIC, login=False),
    *form_page("dataip/publicity/<id:product_id>/", PUBLIC, OBJECTORS, args=product("publicity"),
               body=lambda world, role: {"reason": f"反对理由 {role}"}),
]
