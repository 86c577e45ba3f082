"""``ipx import patents FILE --org ID [--user EMAIL]``: import a patent inventory now.

Runs in this process with a progress bar on stderr, then prints the counts and every row
that was not imported. Exits non-zero when the file itself is refused; refused rows do not
change the exit code (they are in the report).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.catalog.importing.reading import open_sheet
from ipx.catalog.importing.running import Progress, check_patent_file, import_patents
from ipx.core.errors import ApplicationError

KINDS = ("patents",)


class Command(BaseCommand):
    help = "Import a patent inventory (XLSX, or CSV in UTF-8 or GBK) for an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=KINDS, help="What the file lists; only patents for now."
        )
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--org", type=int, required=True, help="Id of the organisation that holds the assets."
        )
        parser.add_argument(
            "--user", help="E-mail of the member importing; must belong to the organisation."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = self._organisation(options["org"], options.get("user"))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        latest = Progress()
        bars: list[tqdm[Any]] = []

        def on_start(progress: Progress) -> None:
            # Made once the file is accepted and its size known, so a refusal prints no bar.
            bars.append(tqdm(total=progress.total_rows or None, unit=_("rows"), file=sys.stderr,
                             disable=options["no_progress"], dynamic_ncols=True))

        def on_progress(progress: Progress) -> None:
            nonlocal latest
            latest = progress
            for bar in bars:
                bar.update(progress.processed_rows - bar.n)

        try:
            with path.open("rb") as handle:
                check_patent_file(handle, size=path.stat().st_size)
                progress = import_patents(open_sheet(handle), organisation, on_start=on_start,
                                          on_progress=on_progress)
        except ApplicationError as exc:
            self._close(bars)
            if latest.processed_rows:
                self._summary(latest)
            raise CommandError(exc.message) from None
        self._close(bars)
        self._summary(progress)

    def _close(self, bars: list[tqdm[Any]]) -> None:
        for bar in bars:
            bar.close()

    def _organisation(self, organisation_id: int, email: str | None) -> Organisation:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise CommandError(_("No organisation has the id %(id)d.") % {"id": organisation_id})
        if email:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(
                    _("No user has the e-mail address %(email)s.") % {"email": email}
                )
            try:
                access_organisation(user, organisation_id)
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
        return organisation

    def _summary(self, progress: Progress) -> None:
        self.stdout.write(
            _(
                "Patents: %(rows)d rows, %(created)d created, %(updated)d updated, "
                "%(refused)d refused"
            )
            % {
                "rows": progress.processed_rows,
                "created": progress.created,
                "updated": progress.updated,
                "refused": progress.refused_rows,
            }
        )
        if not progress.errors:
            return
        self.stdout.write("\t".join((_("row"), _("column"), _("message"))))
        for error in progress.errors:
            self.stdout.write(f"{error.row}\t{error.column}\t{error.message}")
        if progress.errors_omitted:
            self.stdout.write(
                ngettext("… and %(n)d more problem, not listed.", "… and %(n)d more problems, not listed.",
                         progress.errors_omitted) % {"n": progress.errors_omitted}
            )
