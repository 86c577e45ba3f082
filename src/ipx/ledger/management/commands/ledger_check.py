from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ipx.ledger.selectors import ledger_check, platform_totals


class Command(BaseCommand):
    help = ("Check the ledger: every transaction sums to zero per currency and no member account is "
            "negative. Prints the platform totals; exits with status 1 when a problem is found.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check()
        self.stdout.write(f"transactions {report.transactions}")
        self.stdout.write(f"postings {report.postings}")
        self.stdout.write(f"accounts {report.accounts}")
        for total in platform_totals():
            self.stdout.write(
                f"{total.currency} deposited={total.deposited} paid_out={total.paid_out} "
                f"available={total.available} escrow={total.escrow} fee_income={total.fee_income}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(report.problems)} problem(s) found")
        self.stdout.write(self.style.SUCCESS("ledger ok"))
