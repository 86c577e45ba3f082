"""``ipx backup DEST [--with-secrets --passphrase-file F]``: a consistent snapshot of this
installation in a new folder under DEST (``ipx.backups.snapshot``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from ipx.backups import vault
from ipx.backups.errors import BackupRefused
from ipx.backups.snapshot import backup_create


class Command(BaseCommand):
    help = ("Save the database (a consistent snapshot while the site serves), the uploaded files and, with "
            "--with-secrets, the registry's signing key encrypted with a passphrase, into a new folder under DEST.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, metavar="DEST", help="the folder to make the backup in")
        parser.add_argument("--with-secrets", action="store_true",
                            help="include the registry's signing key, encrypted (needs --passphrase-file)")
        parser.add_argument("--passphrase-file", type=Path, default=None,
                            help="a file whose first line is the passphrase")

    def handle(self, *args: Any, **options: Any) -> None:
        passphrase_file = Path(options["passphrase_file"]) if options["passphrase_file"] else None
        if options["with_secrets"] and passphrase_file is None:
            raise CommandError("--with-secrets needs --passphrase-file: secrets are only saved encrypted")
        if passphrase_file is not None and not options["with_secrets"]:
            raise CommandError("--passphrase-file is for --with-secrets; add it to save the signing key")
        try:
            passphrase = vault.read_passphrase(passphrase_file) if passphrase_file else None
            made = backup_create(destination=Path(options["destination"]), passphrase=passphrase)
        except BackupRefused as refusal:
            raise CommandError(refusal.message) from None
        manifest = made.manifest
        self.stdout.write(f"{made.path}")
        secrets = "sealed" if manifest.secrets else "not included"
        self.stdout.write(f"{len(manifest.files)} files, {filesizeformat(manifest.total_size)}; database "
                          f"{manifest.vendor} {manifest.identity}; secrets {secrets}")
