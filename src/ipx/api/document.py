"""The OpenAPI document of the API, as django-ninja writes it, made true where ninja cannot
say it:

- an endpoint that also answers without credentials lists the empty security requirement
  ``{}`` beside its schemes, so that clients (and contract tests) know that its credentials
  are optional;
- ninja names each component after its class and keeps the last one of a name, so two
  different shapes of one name (two apps' ``IpcOut``) would describe one endpoint with the
  other's; the document notes every such clash (``clashes``), which the API's tests refuse;
- links (``ipx.api.links``) say where an answer leads;
- a multipart body takes only the parts it names (``ipx.api.parameters`` refuses others);
- a field that may be left out but not sent as null has no default (ninja writes null);
- no text anywhere in the API may hold NUL (U+0000: PostgreSQL can store none, and
  ``RefuseNulMiddleware`` refuses a request with one before anything reads it), so each
  string without a pattern or format of its own says so.
"""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from ipx.accounts.api_auth import Anonymous
from ipx.api.links import add_links

# Said as what the text is not, rather than as a pattern it must match: generators make text
# of a given length and drop the rare one with NUL, instead of searching a pattern for it.
NO_NUL = {"pattern": r"\x00"}


def drop_null_defaults(node: Any) -> None:
    """A field that may be left out but is never sent as null (``OMITTED``) has no default."""
    if isinstance(node, dict):
        if "default" in node and node["default"] is None and node.get("type") not in (None, "null"):
            del node["default"]
        for value in node.values():
            drop_null_defaults(value)
    elif isinstance(node, list):
        for value in node:
            drop_null_defaults(value)


def refuse_nul(node: Any) -> None:
    """Say on every plain string schema under ``node`` that it holds no NUL. Strings with a
    pattern, format or list of values of their own admit none already (``NotBlank`` says
    it with its ``not``)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const", "not"} & set(node):
            node["not"] = dict(NO_NUL)
        for value in node.values():
            refuse_nul(value)
    elif isinstance(node, list):
        for value in node:
            refuse_nul(value)


class OpenApiDocument(OpenAPISchema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.clashes: set[str] = set()
        super().__init__(*args, **kwargs)
        refuse_nul(self["paths"])
        refuse_nul(self["components"])
        drop_null_defaults(self["paths"])
        drop_null_defaults(self["components"])
        add_links(self["paths"], "/" + self.path_prefix.strip("/"))
        for operations in self["paths"].values():
            for operation in operations.values():
                form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
                if form is not None:
                    form["schema"]["additionalProperties"] = False

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if any(isinstance(auth, Anonymous) for auth in operation.auth_callbacks):
            security = [*(security or []), {}]
        return security

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        self.clashes |= {name for name, shape in definitions.items()
                         if name in self.schemas and self.schemas[name] != shape}
        super().add_schema_definitions(definitions)
