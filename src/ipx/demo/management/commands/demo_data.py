from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ipx.core.errors import ApplicationError
from ipx.demo.authenticators import demo_key_base32
from ipx.demo.live_auction import FIRST_CLOSE_WITHIN
from ipx.demo.loader import LoadResult, demo_counts, load_demo
from ipx.demo.organisations import spec
from ipx.demo.people import DEMO_PASSWORD, DOMAIN, ROLE_LOGINS
from ipx.demo.vectors import describe


class Command(BaseCommand):
    help = ("Load the demo organisations, people, patents and listings (`ipx demo`). Runs once; "
            "later runs only print the logins.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--sample", type=int, default=1, metavar="N",
            help="load only every N-th patent of the two bulk data sets (for quick trials)",
        )

    def handle(self, *args: Any, sample: int, verbosity: int, **options: Any) -> None:
        if sample < 1:
            raise CommandError("--sample must be 1 or more")
        try:
            result = load_demo(sample=sample, progress=verbosity > 0)
        except ApplicationError as error:
            # e.g. a demo e-mail address someone registered by hand
            details = f" {error.fields}" if error.fields else ""
            raise CommandError(f"could not load the demo: {error.message}{details}") from error
        self._summary(result)
        self._logins()

    def _summary(self, result: LoadResult) -> None:
        if not result.loaded:
            self.stdout.write("Demo data is already loaded.")
        else:
            done = f"Loaded the demo data in {result.seconds:.1f} s."
            self.stdout.write(self.style.SUCCESS(done))
        if result.indexed is not None:
            self.stdout.write(f"Indexed {result.indexed} published listings for search.")
        if result.live_lots:
            minutes = FIRST_CLOSE_WITHIN // timedelta(minutes=1)
            self.stdout.write(f"Opened a new live auction round of {result.live_lots} lots "
                              f"(the last one is over); the first closes in about {minutes} minutes.")
        if result.vectors is not None:
            done, problem = describe(result.vectors)
            self.stdout.write(done)
            if problem is not None:
                self.stderr.write(problem)
        if result.loaded:
            for name, count in demo_counts().items():
                self.stdout.write(f"  {name:<26}{count:>6}")
        if result.skipped:
            self.stdout.write(self.style.WARNING(
                f"{len(result.skipped)} record(s) failed validation and were left out:"))
            for item in result.skipped:
                self.stdout.write(f"  {item.source} {item.ref}: {item.message}")

    def _logins(self) -> None:
        self.stdout.write("")
        heading = f"Demo logins — password for all: {DEMO_PASSWORD}"
        self.stdout.write(self.style.MIGRATE_HEADING(heading))
        self.stdout.write(f"  {'login':<26}what it shows")
        for login in ROLE_LOGINS:
            self.stdout.write(f"  {login.email:<26}{login.can}")
            if login.org_key:
                self.stdout.write(f"  {'':<26}organisation: {spec(login.org_key).name}")
        self.stdout.write(f"  Every other demo organisation has an administrator <key>@{DOMAIN} "
                          f"(e.g. gz-materials@{DOMAIN}) with the same password.")
        self.stdout.write(f"  Second factor (operator, banker, lender, insurer): authenticator key "
                          f"{demo_key_base32()}, or `ipx demo-code EMAIL` prints the current code.")
