"""One family of errors for every refused action.

Services raise these; the API turns them into ``{"error": {"code", "message", "fields"}}``
with the class's HTTP status, and views turn them into form errors. ``fields`` maps an
input field's name to the message about it.
"""

from __future__ import annotations

from django.utils.functional import Promise


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code
        self.fields = {name: str(text) for name, text in (fields or {}).items()}

    @classmethod
    def for_field(cls, field: str, message: str | Promise, *, code: str | None = None) -> ApplicationError:
        return cls(message, code=code, fields={field: str(message)})

    def as_dict(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"


class NotAuthenticated(ApplicationError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(ApplicationError):
    status = 403
    code = "forbidden"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
