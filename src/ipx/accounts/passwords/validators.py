"""The offline check against a large list of common and breached passwords (see
``LICENSE-common-passwords.md`` beside it). It runs after Django's own validators, whose
20,000 common passwords hold few of 10 characters or more; this list holds 112,130 of them."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.utils.translation import gettext as _

SHIPPED_LIST = Path(__file__).resolve().parent / "common-passwords.txt.gz"


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuses a password found in the shipped list (compared lower-cased, without spaces
    around it). The list is read once, when Django first builds its validators."""

    def __init__(self, password_list_path: Path | str | None = None) -> None:
        super().__init__(password_list_path or SHIPPED_LIST)

    def get_error_message(self) -> str:
        return _("This password appears in lists of common or leaked passwords; choose another one.")

    def get_help_text(self) -> str:
        return _("Your password cannot be one that appears in lists of common or leaked passwords.")
