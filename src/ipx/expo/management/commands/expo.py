"""``ipx expo add-edition SLUG --name NAME --start YYYY-MM-DD --end YYYY-MM-DD`` adds an edition;
``ipx expo import-records FILE`` imports records from outside the platform (CSV, UTF-8 or GBK)
and prints every refused row with its column. Refused rows do not change the exit status
(they are in the report); a refused file or edition does."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.accounts.models import User
from ipx.core.errors import ApplicationError
from ipx.expo.inputs import EditionInput
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import ImportReport, import_records


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": value}) from None


class Command(BaseCommand):
    help = "Expo editions and the records of what was concluded outside the platform."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-edition", help="add an edition (its dates may not overlap another's)")
        add.add_argument("slug")
        add.add_argument("--name", required=True)
        add.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        add.add_argument("--end", required=True, help="last day, YYYY-MM-DD")
        add.add_argument("--organisers", default="", help="the organisers, one a line or separated by ';'")
        add.add_argument("--online-only", action="store_true", help="no on-site exhibition")
        records = sub.add_parser("import-records", help="import records (CSV in UTF-8 or GBK)")
        records.add_argument("file", type=Path)
        records.add_argument("--user", help="e-mail of the operator importing (kept with each record)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add-edition":
            self._add_edition(options)
        else:
            self._import(options)

    def _add_edition(self, options: dict[str, Any]) -> None:
        data = EditionInput(
            slug=options["slug"], name=options["name"], start_date=_day(options["start"]),
            end_date=_day(options["end"]),
            organisers="\n".join(p.strip() for p in options["organisers"].split(";") if p.strip()),
            on_site=not options["online_only"])
        try:
            edition = edition_create(data=data)
        except ApplicationError as exc:
            raise CommandError("; ".join(f"{name}: {message}" for name, message in exc.fields.items())
                               or exc.message) from None
        self.stdout.write(_("Edition %(slug)s added: %(start)s to %(end)s.") % {
            "slug": edition.slug, "start": edition.start_date.isoformat(), "end": edition.end_date.isoformat()})

    def _import(self, options: dict[str, Any]) -> None:
        actor = None
        if options.get("user"):
            actor = User.objects.filter(email__iexact=options["user"].strip()).first()
            if actor is None or not actor.is_operator:
                raise CommandError(_("%(email)s is not an operator of the exchange.") % {"email": options["user"]})
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
        try:
            report = import_records(data, actor=actor)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        self.stdout.write(_("Records: %(rows)d rows, %(created)d created, %(updated)d updated, %(refused)d refused")
                          % {"rows": report.rows, "created": report.created, "updated": report.updated,
                             "refused": report.refused})
        if not report.errors:
            return
        self.stdout.write("\t".join((_("row"), _("column"), _("message"))))
        for error in report.errors:
            self.stdout.write(f"{error.row}\t{error.column}\t{error.message}")
        if report.errors_omitted:
            self.stdout.write(ngettext("… and %(n)d more problem, not listed.",
                                       "… and %(n)d more problems, not listed.", report.errors_omitted)
                              % {"n": report.errors_omitted})
