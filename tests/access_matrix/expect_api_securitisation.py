"""The API's securitisation (``ipx.testing.securitisation_world``, cast in the access world).

Home originates and services a product whose senior notes the outsider and the agency hold and
whose trustee is the bank; its first period is run. The parties (home, the bank) and operators
see it whole; an investor sees it with its own tranche, holding and payments (another investor's
never); the unverified applicant has no part in it (404). Home's signatories and administrator
bind home (products, receivables, pool, structure); any of home's people service (collections,
a payer's status); the bank's administrator runs periods. A step the product's state no longer
allows (it is issued and serviced) is refused as a conflict to whom the step is for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ipx.testing.access_world import AccessWorld
from ipx.testing.upload_files import pdf_upload

from .matrix import BINDING, CONFLICT, DENY, HIDE, HOME, LOGIN, OK, SIGNED_IN, Entry, const, every, ids

A = "/api/v1/finance/securitisation"


def deal(name: str) -> Callable[[AccessWorld], object]:
    """The id of one of the securitisation world's objects."""
    return lambda world: getattr(world.securitisation, name).pk


PRODUCT = ids(product_id=deal("product"))
PERIOD = ids(product_id=deal("product"), number=lambda world: 1)
REPORT = ids(product_id=deal("product"), number=lambda world: 1, kind=lambda world: "pdf")
LATE = ids(receivable_id=deal("late"))
# The parties (home originates and services, the bank is trustee), the investors and operators.
SEEN = every(HIDE, anonymous=LOGIN, outsider=OK, agent=OK, bank=OK, operator=OK, **HOME)
# The parties and operators: the pool, the projections, the collections.
PARTIES = every(HIDE, anonymous=LOGIN, bank=OK, operator=OK, **HOME)
# A receivable: its originator's, the trustee's and servicer's while pooled, operators'.
RECEIVABLE = PARTIES
# Any signed-in organisation's binding people may set one up for their own; not operators.
BINDERS = every(OK, anonymous=LOGIN, unverified=DENY, member=DENY, operator=DENY)
# Home binds, but the product is serviced: its pool and structure are fixed.
ORIGINATOR_LATE = every(HIDE, anonymous=LOGIN, member=DENY, signatory=CONFLICT, admin=CONFLICT, bank=DENY,
                        operator=DENY)


def _own(world: AccessWorld, role: str) -> int:
    own = world.own_organisation(role)
    return own.pk if own is not None else world.home.pk


def _receivable(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"originator_id": str(_own(world, role)), "source": "contract", "payer_name": "江门数控装备有限公司",
            "contract_reference": "SL-MX-1", "currency": "CNY", "contract_file": pdf_upload("合同.pdf"),
            "schedule": '[{"due_on": "2027-06-15", "amount": "100000"}]'}


def _product(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"originator_id": _own(world, role), "name": "MX 专利许可ABS", "trustee_id": world.counterparty.pk,
            "servicer_id": _own(world, role), "cut_off": "2026-03-31"}


def _structure(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"tranches": [{"name": "A", "seniority": "senior", "size": "5000000", "coupon_percent": "4",
                          "legal_maturity": "2028-03-31", "priority": 1}]}


def _subscription(world: AccessWorld, role: str) -> dict[str, Any]:
    tranche = world.securitisation.product.tranches.get(name="A")
    return {"tranche_id": tranche.pk, "investor_id": _own(world, role), "amount": "1000"}


def _collections(world: AccessWorld, role: str) -> dict[str, Any]:
    return {"number": 2, "collections": []}


ENTRIES = [
    Entry(f"{A}/receivables", "GET", SIGNED_IN),
    Entry(f"{A}/receivables", "POST", BINDERS, body=_receivable, multipart=True,
          note="an organisation's binding people enter receivables for it"),
    Entry(f"{A}/receivables/{{receivable_id}}", "GET", RECEIVABLE, args=LATE),
    Entry(f"{A}/receivables/{{receivable_id}}/status", "POST",
          every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY, **HOME), args=LATE,
          body=const({"status": "current"}), note="the servicer (home) marks a payer"),
    Entry(f"{A}/receivables/{{receivable_id}}/contract", "GET", RECEIVABLE, args=LATE),
    Entry(f"{A}/products", "GET", SIGNED_IN),
    Entry(f"{A}/products", "POST", BINDERS, body=_product),
    Entry(f"{A}/products/{{product_id}}", "GET", SEEN, args=PRODUCT),
    Entry(f"{A}/products/{{product_id}}/pool", "POST", {**ORIGINATOR_LATE, "outsider": DENY, "agent": DENY},
          args=PRODUCT, body=lambda world, role: {"receivable_ids": [world.securitisation.late.pk]}),
    Entry(f"{A}/products/{{product_id}}/structure", "POST",
          {**ORIGINATOR_LATE, "outsider": DENY, "agent": DENY}, args=PRODUCT, body=_structure),
    Entry(f"{A}/products/{{product_id}}/subscriptions", "POST",
          every(CONFLICT, anonymous=LOGIN, unverified=HIDE, member=DENY, operator=DENY), args=PRODUCT,
          body=_subscription, note="the offer is closed: issued"),
    Entry(f"{A}/products/{{product_id}}/issue", "POST", {**ORIGINATOR_LATE, "outsider": DENY, "agent": DENY},
          args=PRODUCT),
    Entry(f"{A}/products/{{product_id}}/cancel", "POST", {**ORIGINATOR_LATE, "outsider": DENY, "agent": DENY},
          args=PRODUCT),
    Entry(f"{A}/products/{{product_id}}/retire", "POST",
          every(HIDE, anonymous=LOGIN, bank=CONFLICT, operator=DENY, outsider=DENY, agent=DENY, member=DENY,
                signatory=DENY, admin=DENY), args=PRODUCT, note="the trustee's, once the notes are repaid"),
    Entry(f"{A}/products/{{product_id}}/projection", "GET", PARTIES, args=PRODUCT),
    Entry(f"{A}/products/{{product_id}}/periods", "GET", SEEN, args=PRODUCT),
    Entry(f"{A}/products/{{product_id}}/periods", "POST", every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY,
                                                                  **BINDING), args=PRODUCT, body=_collections,
          note="the servicer (home) records a period's collections"),
    Entry(f"{A}/products/{{product_id}}/periods/{{number}}", "GET", SEEN, args=PERIOD),
    Entry(f"{A}/products/{{product_id}}/periods/{{number}}/run", "POST",
          every(HIDE, anonymous=LOGIN, bank=CONFLICT, operator=DENY, member=DENY, signatory=DENY, admin=DENY),
          args=PERIOD, note="the trustee runs; period 1 ran with another key"),
    Entry(f"{A}/products/{{product_id}}/periods/{{number}}/report.{{kind}}", "GET", SEEN, args=REPORT),
]
