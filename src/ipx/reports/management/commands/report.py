"""``ipx report bulletin --edition SLUG [--format json|csv|xlsx|pdf|html] [--lang en|zh-hans|zh-hant]``
(or ``--since YYYY-MM-DD --until YYYY-MM-DD``, both days counted) writes the statistics bulletin
to standard output or ``--output FILE``; ``ipx report verify`` recomputes the records' rollups
from the records and lists every difference (exit status 1 if any; ``--repair`` rewrites them)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ipx.core.errors import ApplicationError
from ipx.reports import exports, rollups
from ipx.reports.compute import edition_bulletin, range_bulletin
from ipx.reports.figures import Bulletin


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: “{text}” is not a date written YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "The statistics bulletin of an edition or a span of days, and the check of its rollups."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        bulletin = sub.add_parser("bulletin", help="write the bulletin")
        bulletin.add_argument("--edition", default="", help="the edition's short name (slug)")
        bulletin.add_argument("--since", default="", help="first day counted (YYYY-MM-DD), without --edition")
        bulletin.add_argument("--until", default="", help="last day counted (YYYY-MM-DD), without --edition")
        bulletin.add_argument("--format", default="json", choices=exports.FORMATS)
        bulletin.add_argument("--lang", default="en", choices=exports.LANGUAGES)
        bulletin.add_argument("--output", type=Path, default=None, help="a file to write (default: standard output)")
        verify = sub.add_parser("verify", help="compare the rollups with the records")
        verify.add_argument("--repair", action="store_true", help="recompute every day's rollups afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(repair=options["repair"])
            return
        try:
            bulletin = self._bulletin(options)
            made = exports.export(bulletin, options["format"], options["lang"])
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        if options["output"] is not None:
            try:
                options["output"].write_bytes(made.content)
            except OSError as exc:
                raise CommandError(f"--output: {exc}") from None
            self.stdout.write(f"{options['output']}: {made.filename}")
            return
        self.stdout.flush()
        sys.stdout.buffer.write(made.content)
        sys.stdout.buffer.flush()

    def _bulletin(self, options: dict[str, Any]) -> Bulletin:
        if options["edition"]:
            if options["since"] or options["until"]:
                raise CommandError("give --edition, or --since and --until, not both")
            return edition_bulletin(options["edition"])
        if not (options["since"] and options["until"]):
            raise CommandError("give --edition SLUG, or --since and --until")
        since, last = _day(options["since"], "--since"), _day(options["until"], "--until")
        if last < since:
            raise CommandError("--until: the last day comes before the first")
        return range_bulletin(since, last + timedelta(days=1))

    def _verify(self, *, repair: bool) -> None:
        found = rollups.differences()
        for line in found:
            self.stdout.write(line)
        if repair and found:
            days = rollups.rebuild()
            self.stdout.write(f"recomputed the rollups of {days} days")
        if not found:
            self.stdout.write("rollups agree with the records")
            return
        if not repair:
            sys.exit(1)
