"""The securitisation pages (who sees and does what, as in ``expect_api_securitisation``).

Everyone signed in has the securitisation home; the forms that set up a product or enter a
receivable are for an organisation's binding people (the member's and the operator's 403). A
product's page and its periods and reports are its parties', its investors' and operators';
the pool, structure, projection and collections pages are the parties' (an investor learns
nothing of them: 404). A button of someone else's goes back with the refusal as a message.
"""

from __future__ import annotations

from typing import Any

from ipx.testing.access_world import AccessWorld

from .expect_api_securitisation import (
    BINDERS,
    LATE,
    PARTIES,
    PERIOD,
    PRODUCT,
    RECEIVABLE,
    SEEN,
    _own,
    _receivable,
)
from .matrix import (
    BINDING,
    CONFLICT,
    DENY,
    FLASH,
    HIDE,
    HOME,
    LOGIN,
    OK,
    SIGNED_IN,
    every,
    form_page,
    ids,
    post_only,
    read_only,
)

S = "finance/securitisation"
REPORT = ids(product_id=lambda world: world.securitisation.product.pk, number=lambda world: 1)
# A button on the product for those who see it: refused with a message (the state or the role).
SEEN_BUTTON = every(HIDE, anonymous=LOGIN, outsider=FLASH, agent=FLASH, bank=FLASH, operator=FLASH, member=FLASH,
                    signatory=FLASH, admin=FLASH)
# Home binds, but the serviced product's pool and structure are fixed.
FIXED = every(HIDE, anonymous=LOGIN, member=DENY, signatory=CONFLICT, admin=CONFLICT, bank=DENY, operator=DENY)
SERVICER = every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY, **BINDING)


def _product(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"originator_id": _own(world, role), "name": "MX 专利许可ABS", "trustee_id": world.counterparty.pk,
            "servicer_id": _own(world, role), "currency": "CNY", "cut_off": "2026-03-31", "periods_per_year": "4",
            "concentration_percent": "25"}


ENTRIES = [
    *read_only(f"{S}/", SIGNED_IN),
    *form_page(f"{S}/new/", BINDERS, BINDERS, body=_product),
    *form_page(f"{S}/receivables/new/", BINDERS, BINDERS, body=lambda world, role: {
        **_receivable(world, role), "schedule": "2027-06-15 100000"}),
    *read_only(f"{S}/receivables/<id:receivable_id>/", RECEIVABLE, args=LATE),
    *post_only(f"{S}/receivables/<id:receivable_id>/mark/",
               every(HIDE, anonymous=LOGIN, bank=FLASH, operator=FLASH, **HOME), args=LATE,
               body=lambda world, role: {"mark-status": "current"}),
    *read_only(f"{S}/receivables/<id:receivable_id>/contract/", RECEIVABLE, args=LATE),
    *read_only(f"{S}/<id:product_id>/", SEEN, args=PRODUCT),
    *post_only(f"{S}/<id:product_id>/subscribe/", {**SEEN_BUTTON, **{r: DENY for r in SEEN_BUTTON
                                                                      if SEEN_BUTTON[r] == FLASH}},
               args=PRODUCT, note="the offer is closed: issued"),
    *post_only(f"{S}/<id:product_id>/issue/", SEEN_BUTTON, args=PRODUCT),
    *post_only(f"{S}/<id:product_id>/cancel/", SEEN_BUTTON, args=PRODUCT),
    *post_only(f"{S}/<id:product_id>/retire/", SEEN_BUTTON, args=PRODUCT),
    *form_page(f"{S}/<id:product_id>/pool/", FIXED, FIXED, args=PRODUCT,
               body=lambda world, role: {"receivable_ids": [world.securitisation.late.pk]}),
    *form_page(f"{S}/<id:product_id>/structure/", FIXED, FIXED, args=PRODUCT, body=lambda world, role: {}),
    *read_only(f"{S}/<id:product_id>/projection/", PARTIES, args=PRODUCT),
    *form_page(f"{S}/<id:product_id>/collections/", SERVICER, SERVICER, args=PRODUCT,
               body=lambda world, role: {"key": f"mx-{role}"}),
    *read_only(f"{S}/<id:product_id>/periods/<int:number>/", SEEN, args=PERIOD),
    *post_only(f"{S}/<id:product_id>/periods/<int:number>/run/",
               every(HIDE, anonymous=LOGIN, bank=OK, operator=FLASH, member=FLASH, signatory=FLASH, admin=FLASH),
               args=PERIOD, note="period 1 ran: running it again answers as the first time"),
    *read_only(f"{S}/<id:product_id>/periods/<int:number>/report.pdf", SEEN, args=REPORT),
    *read_only(f"{S}/<id:product_id>/periods/<int:number>/report.xlsx", SEEN, args=REPORT),
]
