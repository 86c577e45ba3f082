"""The OpenAPI document of the API, as django-ninja writes it, made true where ninja cannot
say it:

- an endpoint that also answers without credentials lists the empty security requirement
  ``{}`` beside its schemes, so that clients (and contract tests) know that its credentials
  are optional;
- ninja names each component after its class and keeps the last one of a name, so two
  different shapes of one name (two apps' ``IpcOut``) would describe one endpoint with the
  other's; the document notes every such clash (``clashes``), which the API's tests refuse.
"""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from ipx.accounts.api_auth import Anonymous


class OpenApiDocument(OpenAPISchema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.clashes: set[str] = set()
        super().__init__(*args, **kwargs)

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if any(isinstance(auth, Anonymous) for auth in operation.auth_callbacks):
            security = [*(security or []), {}]
        return security

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        self.clashes |= {name for name, shape in definitions.items()
                         if name in self.schemas and self.schemas[name] != shape}
        super().add_schema_definitions(definitions)
