"""The API's data-IP registry (who sees and does what, as in ``expect_pages_dataip``).

A product is its registrant's members' and the reviewers'; to anyone else it does not exist
(404). Home's members draft and change drafts; applying, withdrawing, asking for a change,
renewing and cancelling commit home: its signatories and administrator. The reviewers take the
review steps and decide objections; the registrant and the objector are told no. The
publicity list, an application in publicity and verification by number need no sign-in;
anyone signed in but the registrant objects.
"""

from __future__ import annotations

from ipx.testing.access_world import AccessWorld
from ipx.testing.dataip_world import application, sample_csv
from ipx.testing.upload_files import pdf_upload

from .expect_pages_dataip import CERTIFICATE, EVIDENCE, EVIDENCE_READERS, OBJECTION, REGISTRANT, product
from .matrix import DENY, HIDE, HOME, LOGIN, OK, PUBLIC, SIGNED_IN, Entry, const, every

EDITORS = every(HIDE, anonymous=LOGIN, operator=DENY, **HOME)
BINDING = every(HIDE, anonymous=LOGIN, member=DENY, signatory=OK, admin=OK, operator=DENY)
REVIEWERS = every(HIDE, anonymous=LOGIN, member=DENY, signatory=DENY, admin=DENY, operator=OK)
DECIDERS = every(HIDE, anonymous=LOGIN, outsider=DENY, member=DENY, signatory=DENY, admin=DENY, operator=OK)
OBJECTORS = every(OK, anonymous=LOGIN, member=DENY, signatory=DENY, admin=DENY)
DRAFT_FOR_HOME = every(DENY, anonymous=LOGIN, **HOME)


def _application(world: AccessWorld, role: str) -> dict[str, object]:
    return {**application(name=f"MX 新数据集 {role}"), "registrant_id": str(world.home.pk), "sample": sample_csv()}


def _objection(world: AccessWorld, role: str) -> dict[str, object]:
    return {"reason": f"反对理由 {role}", "evidence": [pdf_upload("证据.pdf")]}


P = "/api/v1/dataip/products/{product_id}"
ENTRIES = [
    Entry("/api/v1/dataip/products", "GET", SIGNED_IN),
    Entry("/api/v1/dataip/products", "POST", DRAFT_FOR_HOME, body=_application, multipart=True,
          note="for home: home's members; nobody else may draft for home"),
    Entry(P, "GET", REGISTRANT, args=product("draft")),
    Entry(f"{P}/application", "POST", EDITORS, args=product("draft"), multipart=True,
          body=lambda world, role: application(name="MX 数据草稿（改）")),
    Entry(f"{P}/submit", "POST", BINDING, args=product("draft")),
    Entry(f"{P}/withdraw", "POST", BINDING, args=product("formal")),
    Entry(f"{P}/change-request", "POST", BINDING, args=product("granted"),
          body=const({"restrictions": "仅限科研与公益使用"})),
    Entry(f"{P}/renew", "POST", BINDING, args=product("renewable")),
    Entry(f"{P}/cancel", "POST", BINDING, args=product("granted"), body=const({"reason": "业务调整"})),
    Entry(f"{P}/pass-formal", "POST", REVIEWERS, args=product("formal"), body=const({"note": "材料齐全"})),
    Entry(f"{P}/return", "POST", REVIEWERS, args=product("formal"), body=const({"note": "请补充采集方式"})),
    Entry(f"{P}/reject", "POST", REVIEWERS, args=product("formal"), body=const({"reason": "不属于数据产品"})),
    Entry(f"{P}/publish", "POST", REVIEWERS, args=product("substantive"), body=const({"note": ""})),
    Entry(f"{P}/grant", "POST", REVIEWERS, args=product("period_over"), body=const({"note": ""})),
    Entry(f"{P}/refuse", "POST", REVIEWERS, args=product("period_over"), body=const({"reason": "权属不清"})),
    Entry(f"{P}/change/approve", "POST", REVIEWERS, args=product("change")),
    Entry(f"{P}/change/refuse", "POST", REVIEWERS, args=product("change"), body=const({"reason": "理由不足"})),
    Entry(f"{P}/revoke", "POST", REVIEWERS, args=product("granted"), body=const({"reason": "数据来源不合法"})),
    Entry("/api/v1/dataip/objections/{objection_id}/decision", "POST", DECIDERS, args=OBJECTION,
          body=const({"decision": "dismiss", "note": "不成立"})),
    Entry("/api/v1/dataip/publicity", "GET", PUBLIC),
    Entry("/api/v1/dataip/publicity/{product_id}", "GET", PUBLIC, args=product("publicity")),
    Entry("/api/v1/dataip/publicity/{product_id}/objections", "POST", OBJECTORS, args=product("publicity"),
          body=_objection, multipart=True),
    Entry("/api/v1/dataip/evidence/{evidence_id}", "GET", EVIDENCE_READERS, args=EVIDENCE),
    Entry("/api/v1/dataip/certificates/{number}", "GET", REGISTRANT, args=CERTIFICATE),
    Entry("/api/v1/dataip/verify/{number}", "GET", PUBLIC, args=CERTIFICATE),
]
