"""``ipx dataip keygen`` makes the registry's signing key; ``ipx dataip verify FILE --key PEM``
checks a certificate (its JSON export or its PDF) offline, without the database, and says
valid, expired, revoked / cancelled / superseded as of the export, tampered, or signed by
another key (exit status 0 only for valid)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ipx.dataip import signing
from ipx.dataip.signing import Verdict
from ipx.dataip.verification import verify_file

SAYINGS = {
    Verdict.VALID: "valid: the registry's signature checks and the certificate is in force",
    Verdict.EXPIRED: "expired: the signature checks but the certificate's term has ended",
    Verdict.REVOKED: "revoked as of the export",
    Verdict.CANCELLED: "cancelled by the registrant as of the export",
    Verdict.SUPERSEDED: "superseded by a later certificate as of the export",
    Verdict.TAMPERED: "tampered: the content does not match the registry's signature",
    Verdict.UNKNOWN_KEY: "unknown key: not signed with the key given",
    Verdict.UNREADABLE: "unreadable: not a data-IP certificate (JSON export or PDF)",
}


class Command(BaseCommand):
    help = "The data-IP registry's signing key and offline certificate checks."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="make the registry's Ed25519 signing key")
        keygen.add_argument("--path", type=Path, default=None)
        keygen.add_argument("--replace", action="store_true", help="replace an existing key (old certificates "
                                                                     "then check only with the old public key)")
        verify = sub.add_parser("verify", help="check a certificate file offline")
        verify.add_argument("file", type=Path)
        verify.add_argument("--key", type=Path, default=None,
                            help="the registry's public key (PEM); default: beside the configured private key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "keygen":
            try:
                path = signing.generate_key(options["path"], replace=options["replace"])
            except FileExistsError as exc:
                raise CommandError(f"a key exists at {exc}; keep it, or pass --replace") from None
            self.stdout.write(f"private key: {path}\npublic key: {path.with_suffix('.pub.pem')}")
            return
        key_file = options["key"] or signing.key_path().with_suffix(".pub.pem")
        try:
            key = signing.load_public_key(Path(key_file).read_bytes())
            data = Path(options["file"]).read_bytes()
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        verdict, certificate = verify_file(data, key)
        number = certificate.get("certificate_number", "?") if certificate else "?"
        self.stdout.write(f"{number}: {SAYINGS[verdict]}")
        if verdict != Verdict.VALID:
            sys.exit(1)
