"""Which refusals of a schema-valid request the contract admits.

Schemathesis' ``positive_data_acceptance`` expects a request its schema allows to be accepted
(2xx) or refused for who asks (401, 403) or what it names (404). A valid request may also meet
the state of the exchange (409: an offer already accepted, a balance too short) or a limit of
attempts (429): both are about the moment, not the request. And it may break a rule the schema
cannot state — one field compared with another, a check digit, a row in the database: the
document names such a rule on its field as ``x-rule`` (``ipx.core.api.types.rule``), or, for an
error code that names no field, on the operation as ``x-rules``. A 400 naming only fields that
carry an ``x-rule`` (or a code the operation lists) is such a refusal; any other 400 means the
schema lets through what the server refuses, which is what the check is for.
"""

from __future__ import annotations

import re
from typing import Any

from schemathesis.checks import CheckContext
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.meta import ComponentKind
from schemathesis.openapi.checks import AcceptedNegativeData, RejectedPositiveData
from schemathesis.specs.openapi import checks as openapi_checks
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

ADMITTED = ("2xx", "401", "403", "404", "409", "429", "400 by a documented x-rule")
COMBINATIONS = ("anyOf", "oneOf", "allOf")


def _resolve(schema: Any, root: dict[str, Any]) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _branches(schema: dict[str, Any], root: dict[str, Any]) -> list[Any]:
    return [schema, *(_resolve(branch, root) for key in COMBINATIONS for branch in schema.get(key, []))]


def _has_rule(schema: Any, root: dict[str, Any]) -> bool:
    """Whether the field, or each item of a list field, carries an ``x-rule``."""
    schema = _resolve(schema, root)
    if not isinstance(schema, dict):
        return False
    branches = [branch for branch in _branches(schema, root) if isinstance(branch, dict)]
    return any("x-rule" in branch or ("items" in branch and _has_rule(branch["items"], root))
               for branch in branches)


def _field(schema: Any, path: list[str], root: dict[str, Any]) -> Any:
    """The schema of the field an error names (``milestones.1.amount``), or None."""
    for part in path:
        schema = _resolve(schema, root)
        if not isinstance(schema, dict):
            return None
        found = None
        for branch in _branches(schema, root):
            if not isinstance(branch, dict):
                continue
            if part in branch.get("properties", {}):
                found = branch["properties"][part]
            elif part.isdigit() and "items" in branch:
                found = branch["items"]
            if found is not None:
                break
        if found is None:
            return None
        schema = found
    return schema


def documented_refusal(case: Case, response: Response) -> bool:
    """Whether ``response`` refuses ``case`` (400) only for rules its document names."""
    if response.status_code != 400:
        return False
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    root = case.operation.schema.raw_schema
    definition = case.operation.definition.raw
    if error.get("code") in definition.get("x-rules", {}):
        return True
    fields = error.get("fields") or {}
    if not fields:
        return False
    parameters = {parameter["name"]: parameter.get("schema", {}) for parameter in definition.get("parameters", [])}
    content = _resolve(definition.get("requestBody", {}), root).get("content", {})
    body = next((media.get("schema", {}) for media in content.values()), {})
    for name in fields:
        # A name may be both a parameter and a field of the body (an edition's slug in the
        # address, a hall's in the body): the error names one of them, either rule explains it.
        targets = [parameters.get(name), _field(body, name.split("."), root)]
        if not any(target is not None and _has_rule(target, root) for target in targets):
            return False
    return True


def positive_data_acceptance(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Schemathesis' check of the same name, admitting what the module's docstring says."""
    meta = case.meta
    if meta is None or is_unexpected_http_status_case(case) or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if 200 <= status < 300 or status in (401, 403, 404, 409, 429) or documented_refusal(case, response):
        return None
    raise RejectedPositiveData(operation=case.operation.label,
                               message=f"Valid data should have been accepted\nAdmitted: {', '.join(ADMITTED)}",
                               status_code=status, allowed_statuses=list(ADMITTED))


def _sent_as_valid(case: Case) -> bool:
    """Whether a negative case reached the server as a valid request: its invalid parts are
    whole-number path parameters that, written in the address, are valid numbers (an address
    has no types), and headers no longer there once the cast's token replaces the credentials."""
    meta = case.meta
    if meta is None:
        return False
    negative = {kind for kind, info in meta.components.items() if info.mode.is_negative}
    if ComponentKind.QUERY in negative and _query_sent_as_valid(case):
        negative.discard(ComponentKind.QUERY)
    if negative - {ComponentKind.PATH_PARAMETERS, ComponentKind.HEADERS}:
        return False
    if ComponentKind.HEADERS in negative and set(case.headers or {}) - {"Authorization"}:
        return False
    for parameter in case.operation.path_parameters:
        schema = parameter.definition.get("schema", {})
        value = str((case.path_parameters or {}).get(parameter.name, ""))
        if schema.get("type") != "integer" or not re.fullmatch(r"[1-9][0-9]{0,15}", value):
            return False
        if not schema.get("minimum", 1) <= int(value) <= schema.get("maximum", 2**53):
            return False
    return True


def _query_sent_as_valid(case: Case) -> bool:
    """A negative query whose only invalid part is a parameter the operation does not take,
    given no value (an empty list): the address carries nothing of it, so the server saw a
    query of the documented parameters only."""
    documented = {parameter.name for parameter in case.operation.query}
    extra = {name: value for name, value in (case.query or {}).items() if name not in documented}
    return bool(extra) and all(value in ([], None) for value in extra.values())


def negative_data_rejection(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Schemathesis' check of the same name, for the request as sent (``_sent_as_valid``), its
    failure saying what the case made invalid."""
    if _sent_as_valid(case):
        return None
    try:
        return openapi_checks.negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData as failure:
        meta = case.meta
        what = getattr(meta.phase.data, "description", "") if meta is not None else ""
        components = {kind.value: info.mode.value for kind, info in meta.components.items()} if meta else {}
        raise AcceptedNegativeData(
            operation=failure.operation, status_code=failure.status_code, expected_statuses=failure.expected_statuses,
            message=f"{failure.message}\nInvalid: {what or 'generated'}; components: {components}; "
                    f"path {case.path_parameters}, query {case.query}, headers {case.headers}, "
                    f"cookies {case.cookies}, body {case.body!r:.200}") from None
