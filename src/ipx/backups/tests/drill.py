"""The restore drill's two halves, each run as its own process in an installation of its own
(``IPX_VAR_DIR`` and ``DATABASE_URL`` set by the test):

    python -m ipx.backups.tests.drill scene DEST PASSPHRASE_FILE OUT.json
        builds an exchange (deals with escrow money, a finished auction, a data-IP certificate,
        their files), then backs it up while a second thread keeps paying money in; OUT.json
        says which of those payments were acknowledged before the backup began, and the
        hashes of the uploaded files the rows name.
    python -m ipx.backups.tests.drill inspect OUT.json
        what the restored installation holds: the drill's payments, the ledger's totals and
        check, every uploaded file named by a row read back with its hash, a search's answer,
        and the certificate exported to a file for ``ipx dataip verify``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

DRILL_REFERENCE = "drill-"
LISTING_TITLE = "钠离子电池正极材料制备方法"
SEARCH_WORDS = "钠离子电池正极材料"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
    import django
    from django.conf import settings

    django.setup()
    # The embedding model's cost is not the drill's subject (as in the test suite).
    settings.IPX_MATCHING_DENSE = False


def _build() -> dict[str, Any]:
    from django.db import transaction

    from ipx.accounts.models import Organisation
    from ipx.dataip import signing
    from ipx.dataip.models import Certificate
    from ipx.deals.contracts.services import milestones
    from ipx.testing import dataip_world, scenes
    from ipx.testing.auction_world import build_auction_world
    from ipx.testing.factories import OrganisationFactory

    with transaction.atomic():
        operator = scenes.person("operator@drill.example", "Ophelia Operator", None, is_staff=True)
        home = OrganisationFactory.create(name="广州湾区电池科技有限公司")
        counterparty = OrganisationFactory.create(name="佛山新能源汽车有限公司")
        agency = OrganisationFactory.create(name="湾区知识产权代理事务所", kind=Organisation.Kind.AGENCY)
        admin = scenes.person("admin@drill.example", "Ada Admin", home)
        buyer = scenes.person("buyer@drill.example", "Bao Buyer", counterparty)
        scenes.deposit(home, "1000000")
        scenes.deposit(counterparty, "1000000")
        deal = scenes.deal_in_two_milestones(home, admin, counterparty, buyer, operator, agency, home_admin=admin,
                                             agent_side="seller")
        scenes.signed_by_both(deal, admin, buyer)
        milestones.milestone_fund(deal_id=deal.pk, position=1, actor=buyer)  # escrow money held
        listing = scenes.published_listing(home, admin, operator, title=LISTING_TITLE)
        auctions = build_auction_world(home=home, admin=admin, counterparty=counterparty, counterparty_admin=buyer,
                                       operator=operator)
        if not signing.key_path().exists():
            signing.generate_key()
        product = dataip_world.granted(home, admin, operator, name="MX 城市客流数据集")
        certificate = Certificate.objects.filter(product=product).latest("pk")
    return {"listing_id": listing.pk, "deal_id": deal.pk, "auction_id": auctions.finished.pk,
            "auction_status": auctions.finished.status, "certificate_id": certificate.pk, "home_id": home.pk}


def _write_until(stop: threading.Event, home_id: int, acknowledged: list[int]) -> None:
    """Pays money in, one committed transaction after another; a payment counts as
    acknowledged once its commit returned."""
    from django.db import connections

    from ipx.accounts.models import Organisation
    from ipx.core.money import Money
    from ipx.ledger.services import deposit_record

    home = Organisation.objects.get(pk=home_id)
    number = 0
    try:
        while not stop.is_set():
            deposit_record(organisation=home, money=Money(Decimal("1.00"), "CNY"),
                           provider_reference=f"{DRILL_REFERENCE}{number}")
            acknowledged.append(number)
            number += 1
    finally:
        connections.close_all()


def file_hashes() -> dict[str, str]:
    """Every uploaded file a row names, read through its storage, by name: its SHA-256."""
    from django.apps import apps
    from django.db.models import FileField

    hashes: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, FileField):
                continue
            for name in model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                if name:
                    with field.storage.open(name, "rb") as handle:
                        hashes[f"{field.storage.__class__.__name__}:{name}"] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


def scene(destination: str, passphrase_file: str, out: str) -> None:
    _setup()
    from django.core.management import call_command

    from ipx.backups.snapshot import ledger_totals
    from ipx.deals.models import Deal

    facts = _build()
    facts["deposited_before_writes"] = ledger_totals()["CNY"]["deposited"]
    facts["deals"] = sorted(Deal.objects.values_list("pk", flat=True))
    acknowledged: list[int] = []
    stop = threading.Event()
    writer = threading.Thread(target=_write_until, args=(stop, facts["home_id"], acknowledged), daemon=True)
    writer.start()
    while len(acknowledged) < 5 and writer.is_alive():
        stop.wait(0.01)
    before = len(acknowledged)
    lines: list[str] = []

    class Lines:
        def write(self, text: str) -> None:
            lines.append(text)

        def flush(self) -> None:
            pass

    try:
        call_command("backup", destination, with_secrets=True, passphrase_file=passphrase_file, stdout=Lines())
        after = len(acknowledged)
    finally:
        stop.set()
        writer.join(timeout=60)
    backup = "".join(lines).splitlines()[0]
    Path(out).write_text(json.dumps({**facts, "acknowledged_before": before, "acknowledged_during": after - before,
                                     "backup": backup, "files": file_hashes()}))


def inspect(out: str) -> None:
    _setup()
    from ipx.auctions.models import AuctionSession
    from ipx.backups.snapshot import ledger_totals
    from ipx.dataip.models import Certificate
    from ipx.dataip.services.certificates import export
    from ipx.deals.models import Deal
    from ipx.ledger.models import LedgerTransaction
    from ipx.ledger.selectors import ledger_check
    from ipx.search.query import SearchQuery
    from ipx.search.selectors import search_listings

    references = LedgerTransaction.objects.filter(provider_reference__startswith=DRILL_REFERENCE)
    numbers = sorted(int(ref.removeprefix(DRILL_REFERENCE)) for ref in references.values_list("provider_reference",
                                                                                               flat=True))
    certificate = Certificate.objects.get()
    certificate_file = Path(out).with_name("certificate.json")
    certificate_file.write_text(json.dumps(export(certificate), ensure_ascii=False))
    page = search_listings(SearchQuery(text=SEARCH_WORDS))
    Path(out).write_text(json.dumps({
        "drill_payments": numbers, "ledger_totals": ledger_totals(), "ledger_ok": ledger_check().ok,
        "files": file_hashes(), "search_hits": [hit.listing.pk for hit in page.hits],
        "deals": sorted(Deal.objects.values_list("pk", flat=True)),
        "auctions": dict(AuctionSession.objects.values_list("pk", "status")),
        "certificate_id": certificate.pk, "certificate_file": str(certificate_file),
    }))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "scene":
        scene(*arguments)
    else:
        inspect(*arguments)
