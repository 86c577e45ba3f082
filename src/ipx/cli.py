"""The ``ipx`` command: Django's management commands under one name, plus ``serve``.

    ipx migrate            ipx demo              ipx import patents FILE --org ID
    ipx demo-code EMAIL
    ipx serve [--dev]      ipx cluster           ipx reindex [--full]  ipx rematch [--full]
    ipx doctor             ipx ledger-check
    ipx backup DEST [--with-secrets --passphrase-file F]  ipx restore SRC [--passphrase-file F]
    ipx dataip keygen      ipx dataip verify FILE [--key PEM]   (the data-IP registry's key, offline checks)
    ipx expo add-edition SLUG --name NAME --start YYYY-MM-DD --end YYYY-MM-DD   ipx expo import-records FILE
    ipx report bulletin --edition SLUG [--format json|csv|xlsx|pdf|html] [--lang en|zh-hans|zh-hant]
    ipx report verify [--repair]                 (the statistics bulletin; its rollups against the records)
    ipx worker [--schedule] [--burst]            ipx scheduler
    ipx expire-listings    ipx expire-offers     ipx expire-demands    (the scheduler runs these)
    ipx <any Django management command>
"""

from __future__ import annotations

import os
import sys

# Friendly names for commands whose Django names differ.
ALIASES = {
    "import": "import_assets",
    "expire-listings": "expire_listings",
    "demo": "demo_data",
    "demo-code": "demo_code",
    "demo-vectors": "demo_vectors",
    "ledger-check": "ledger_check",
    "expire-offers": "expire_offers",
    "expire-demands": "expire_demands",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "serve":
        from ipx.serve import serve

        serve(args[2:])
        return
    if len(args) > 1 and args[1] == "cluster":
        from ipx.cluster import main as cluster

        cluster(args[2:])
        return
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])

    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
