"""Two securitisations of home's beside the access world's serviced one, for the pages only a
product before its issue shows: one whose pool is chosen (its pool page; the pool may still be
chosen again) and one structured and on offer (its structure page, and the subscription form
that any organisation's binding people see on it). Both are made through the services, as
``ipx.testing.securitisation_world`` makes the serviced one; their payers are none of that
one's, so a page names the serviced pool's payers only once."""

from __future__ import annotations

from dataclasses import dataclass

from ipx.finance.models import Product
from ipx.finance.securitisation.inputs import ProductIn
from ipx.finance.securitisation.services import pools, structure
from ipx.testing.access_world import AccessWorld
from ipx.testing.securitisation_world import CUT_OFF, contract_receivable, senior_subordinated

# Five payers, so that none owes more than the 25 % a payer may owe of a pool.
PAYERS = ("韶关机床制造有限公司", "肇庆电子元件有限公司", "清远新材料科技有限公司", "茂名石化设备有限公司",
          "湛江海洋科技有限公司")


@dataclass(frozen=True)
class OfferedProducts:
    pooled: Product  # its pool chosen: the pool page is open
    offered: Product  # structured, on offer to investors


def build_offered_products(world: AccessWorld) -> OfferedProducts:
    admin = world.user("admin")
    assert admin is not None
    made = []
    for first, name in ((11, "MX 专利许可资产支持计划（选池）"), (21, "MX 专利许可资产支持计划（发售）")):
        product = pools.product_create(actor=admin, values=ProductIn(
            originator_id=world.home.pk, name=name, trustee_id=world.bank.pk, servicer_id=world.home.pk,
            cut_off=CUT_OFF.isoformat()))
        pooled = [contract_receivable(world.home, admin, payer, number=first + n) for n, payer in enumerate(PAYERS)]
        pools.pool_select(actor=admin, product_id=product.pk, receivable_ids=[r.pk for r in pooled])
        made.append(product)
    pooled_product, offered = made
    structure.product_structure(actor=admin, product_id=offered.pk, values=senior_subordinated(
        trustee=world.bank, servicer=world.home, guarantor=None))
    for product in made:
        product.refresh_from_db()
    return OfferedProducts(pooled=pooled_product, offered=offered)
