"""The one refusal of a backup or a restore: a sentence for the operator, nothing changed."""

from __future__ import annotations


class BackupRefused(Exception):
    """A backup that cannot be made or a restore that cannot be done. The message is the
    whole explanation (translated); the commands print it as their error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
