"""The insurance pages (who sees and does what, as in ``expect_api_insurance``).

Everyone signed in sees the insurance page and the products on sale; the bank alone sets up and
changes its products. Asking for a quote on a product's page is for a verified organisation's
people other than the insurer's: home's people get one for home; the outsider and the agency may
only ask for their own organisations (home is no choice on their form); the unverified applicant,
the insurer and operators have no organisation to ask for. A policy's and a claim's pages are the
policyholder's, the insurer's and the operators'; a button of someone else's goes back with the
refusal as a message.
"""

from __future__ import annotations

from ipx.testing.access_world import AccessWorld
from ipx.testing.upload_files import pdf_upload

from .expect_api_insurance import APPROVED, FILED, IN_FORCE, PRODUCT, QUOTE, SEEN, insured
from .matrix import (
    DENY,
    FLASH,
    FORM,
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

THE_BANK = every(DENY, anonymous=LOGIN, bank=OK)
# A button of the insurer's: the policyholder and operators are told why on the page.
INSURER_STEP = every(HIDE, anonymous=LOGIN, member=FLASH, signatory=FLASH, admin=FLASH, bank=OK, operator=FLASH)
HOLDER_BINDS_STEP = every(HIDE, anonymous=LOGIN, member=FLASH, signatory=OK, admin=OK, bank=FLASH, operator=FLASH)
HOLDER_STEP = every(HIDE, anonymous=LOGIN, bank=FLASH, operator=FLASH, **HOME)
HOLDER_FORM = every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY, **HOME)


def _product_form(world: AccessWorld, role: str) -> dict[str, str]:
    return {"name": "专利无效抗辩保险", "kind": "invalidation_defence", "description": "", "currency": "CNY",
            "premium_rule": "percent", "premium_base": "", "premium_per_asset": "", "premium_percent": "2",
            "cover_rule": "fixed", "cover_fixed": "200000", "cover_multiple": "", "term_months": "12",
            "active": "on", "insurer": str(world.bank.pk)}


def _quote_form(world: AccessWorld, role: str) -> dict[str, object]:
    patent = world.insurance.quote.assets.get()
    return {"policyholder": str(world.home.pk), "asset_ids": [str(patent.pk)], "cover": ""}


def _claim_form(world: AccessWorld, role: str) -> dict[str, object]:
    return {"amount": "5000", "description": "律师函费用", "files": [pdf_upload("律师函.pdf")]}


QUOTERS = every(DENY, anonymous=LOGIN, outsider=FORM, agent=FORM, **HOME)

ENTRIES = [
    *read_only("finance/insurance/", SIGNED_IN),
    *form_page("finance/insurance/products/new/", THE_BANK, THE_BANK, body=_product_form),
    *form_page("finance/insurance/products/<id:product_id>/", SIGNED_IN, QUOTERS, args=PRODUCT,
               body=_quote_form),
    *form_page("finance/insurance/products/<id:product_id>/edit/", THE_BANK, THE_BANK, args=PRODUCT,
               body=lambda world, role: {k: v for k, v in _product_form(world, role).items() if k != "insurer"}),
    *read_only("finance/insurance/policies/<id:policy_id>/", SEEN, args=QUOTE),
    *post_only("finance/insurance/policies/<id:policy_id>/pay/", HOLDER_BINDS_STEP, args=QUOTE,
               body=lambda world, role: {"key": f"matrix-{role}"}),
    *post_only("finance/insurance/policies/<id:policy_id>/cancel/", HOLDER_STEP, args=QUOTE),
    *post_only("finance/insurance/policies/<id:policy_id>/decline/", INSURER_STEP, args=QUOTE,
               body=lambda world, role: {"decline-reason": "专利稳定性需要进一步评估。"}),
    *form_page("finance/insurance/policies/<id:policy_id>/claim/", HOLDER_FORM, HOLDER_FORM, args=IN_FORCE,
               body=_claim_form),
    *read_only("finance/insurance/claims/<id:claim_id>/", SEEN, args=FILED),
    *post_only("finance/insurance/claims/<id:claim_id>/approve/", INSURER_STEP, args=FILED,
               body=lambda world, role: {"approve-amount": "15000"}),
    *post_only("finance/insurance/claims/<id:claim_id>/reject/", INSURER_STEP, args=FILED,
               body=lambda world, role: {"reject-reason": "费用不在保障范围内。"}),
    *post_only("finance/insurance/claims/<id:claim_id>/pay/", INSURER_STEP, args=APPROVED),
    *read_only("finance/insurance/evidence/<id:evidence_id>/", SEEN, args=ids(evidence_id=insured("evidence"))),
]
