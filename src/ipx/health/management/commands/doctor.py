from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from ipx.core.health import Check, Status
from ipx.health.checks import STATUS_LABELS, all_checks, overall_status, readiness_body


class Command(BaseCommand):
    help = ("Check this server as /readyz does (database, migrations, Redis, disk space, search index, task "
            "queue, embedding model, matching vectors) and say what to do about each problem. Exits with 1 "
            "when a check is failing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="Print the /readyz answer (JSON) instead of lines.")

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        checks = all_checks()
        status = overall_status(checks)
        if as_json:
            self.stdout.write(json.dumps(readiness_body(checks), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        else:
            self._print(checks, status)
        if status == "failing":
            # The exit status is the answer scripts read (deploy steps, cron, monitoring).
            raise SystemExit(1)

    def _print(self, checks: list[Check], status: Status) -> None:
        width = max(len(str(label)) for label in STATUS_LABELS.values())
        for check in checks:
            word = self._styled(check.status, str(STATUS_LABELS[check.status]).ljust(width))
            self.stdout.write(f"{word}  {check.name}: {check.detail}")
            if check.status != "ok" and check.remedy:
                self.stdout.write(f"{' ' * width}  → {check.remedy}")
        problems = sum(check.status != "ok" for check in checks)
        summary = (_("Every check is ok.") if not problems else
                   _("%(problems)d of %(total)d checks need attention; overall: %(status)s.") % {
                       "problems": problems, "total": len(checks), "status": STATUS_LABELS[status]})
        self.stdout.write(self._styled(status, summary))

    def _styled(self, status: Status, text: str) -> str:
        style = {"ok": self.style.SUCCESS, "degraded": self.style.WARNING, "failing": self.style.ERROR}[status]
        return str(style(text))
