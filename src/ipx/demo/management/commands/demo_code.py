"""``ipx demo-code EMAIL``: the code a demo login's authenticator app would show now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipx.accounts.models import User
from ipx.demo.authenticators import current_code
from ipx.demo.people import DOMAIN


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo login (demo installations only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help=f"a demo login, e.g. operator@{DOMAIN}")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        # Production never has demo keys; refusing here keeps the command from looking like
        # a way to read anyone's codes.
        if settings.PRODUCTION:
            raise CommandError("demo-code is for demo installations only.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        code = current_code(user) if user is not None and user.email.endswith(f"@{DOMAIN}") else None
        if code is None:
            raise CommandError(f"{email} has no demo authenticator app.")
        self.stdout.write(code)
