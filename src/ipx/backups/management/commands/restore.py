"""``ipx restore SRC [--passphrase-file F | --without-secrets]``: a backup into this empty
installation, every byte checked first (``ipx.backups.restore``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipx.backups import vault
from ipx.backups.errors import BackupRefused
from ipx.backups.restore import backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by ipx backup into this installation, which must be empty: checks the "
            "manifest and every file's SHA-256 first, then restores, rebuilds the search index, runs ipx "
            "ledger-check and compares the ledger's totals with the backup's.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, metavar="SRC", help="the backup's folder")
        parser.add_argument("--passphrase-file", type=Path, default=None,
                            help="the passphrase of the backup's secrets (first line of the file)")
        parser.add_argument("--without-secrets", action="store_true",
                            help="restore a backup holding secrets without them (this installation keeps its key)")

    def handle(self, *args: Any, **options: Any) -> None:
        passphrase_file = Path(options["passphrase_file"]) if options["passphrase_file"] else None
        try:
            passphrase = vault.read_passphrase(passphrase_file) if passphrase_file else None
            restored = backup_restore(source=Path(options["source"]), passphrase=passphrase,
                                      without_secrets=options["without_secrets"], say=self.stdout.write)
        except BackupRefused as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"restored the backup of {restored.manifest.created_at}: {restored.files} files, "
            f"{restored.secrets} secret files"))
