"""Every operation of the OpenAPI document, driven by Schemathesis with every check it has
(``--checks all``): the examples, the coverage phase (boundaries, each optional field, wrong
types, missing parts, methods the address does not take) and generated requests, valid and
invalid, signed in by turns as the owner, the buyer and an operator. Whatever is sent, the
answer is what the document says: a documented status and content type, a body of its schema,
valid data accepted (or refused for who asks, what exists or a rule the document names:
``checks.py``) and invalid data refused, authentication enforced where it is required.

Two settings differ from Schemathesis' defaults, each for a reason:
- a missing required header (``Idempotency-Key``) is a bad request, 400, like any missing
  field (Schemathesis expects 406, which is about content negotiation);
- Schemathesis makes up no credentials (``with-security-parameters``): the cast's tokens are
  real, and a request without one of the two alternative credentials (token or session) is
  not invalid; ``ignored_auth`` still removes and spoils the token on every success.

Multipart bodies have no types: a part of the wrong type arrives as text or not at all, so an
invalid multipart request may meet a state that refuses it (409) before its content can be
judged; for the multipart operations 409 also counts as refusing invalid data.

One phase is left out for one operation: the coverage phase of ``GET /search/listings``.
Schemathesis 4.1.4 tries every combination of an operation's optional query parameters, and
the search has fourteen (2^14 = 16,384 requests); its generated requests cover it instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks
from schemathesis.specs.openapi.references import InliningResolver
from schemathesis.transport.requests import multipart_serializer
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from ipx.wsgi import application
from tests.api_contract import checks
from tests.api_contract.exchange import CAST, Exchange

load_all_checks()
REFUSALS = [400, 401, 403, 404, 406, 422, 428]
# Multipart bodies have no types: a part of the wrong type arrives as text, or not at all, so
# the server may meet the state it acts on (a closed negotiation: 409) before it can tell.
MULTIPART = ("/api/v1/threads/{thread_id}/messages", "/api/v1/listings/{listing_id}/documents", "/api/v1/imports",
             "/api/v1/finance/insurance/policies/{policy_id}/claims", "/api/v1/dataip/products",
             "/api/v1/dataip/products/{product_id}/application", "/api/v1/dataip/publicity/{product_id}/objections")
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"max-examples": 15, "deterministic": True, "with-security-parameters": False},
    "checks": {"missing_required_header": {"expected-statuses": [400]}},
    "operations": [
        {"include-path": "/api/v1/search/listings", "phases": {"coverage": {"enabled": False}}},
        *({"include-path": path, "checks": {"negative_data_rejection": {"expected-statuses": [*REFUSALS, 409]}}}
          for path in MULTIPART),
    ],
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# Schemathesis validates each response with a new reference resolver over the whole document
# (580 KB), and jsonschema's resolver walks all of it for "$id"s and anchors on its first
# reference: a third of this package's time went to that walk. Its result depends only on the
# document, which does not change during the run, so one walk serves every resolver.
_walk_for_ids = InliningResolver._get_subschemas_cache.__wrapped__
_walked: list[tuple[Any, Any]] = []  # (document, what its walk found)


def _subschemas_walked_once(resolver: InliningResolver) -> Any:
    for document, found in _walked:
        if document is resolver.referrer:
            return found
    found = _walk_for_ids(resolver)
    _walked.append((resolver.referrer, found))
    return found


InliningResolver._get_subschemas_cache = _subschemas_walked_once  # type: ignore[method-assign]

# Every check Schemathesis has; its positive-data check admits what ``checks`` explains, and its
# negative-data check says what a case it fails on made invalid.
REPLACED = {openapi_checks.positive_data_acceptance: checks.positive_data_acceptance,
            openapi_checks.negative_data_rejection: checks.negative_data_rejection}
ALL_CHECKS: list[CheckFunction] = [REPLACED.get(check, check) for check in CHECKS.get_all()]


@WSGI_TRANSPORT.serializer("multipart/form-data")
def _multipart(context: Any, value: Any) -> dict[str, Any]:
    # The WSGI transport hands generated non-object multipart bodies straight to the test
    # client, which fails before any request is made; encode those as raw bytes instead.
    if not isinstance(value, dict):
        return multipart_serializer(context, value)
    content = context.case.operation.definition.raw["requestBody"]["content"]["multipart/form-data"]
    fields = content["schema"].get("properties", {})
    parts = {name: _part(part, fields.get(name, {})) for name, part in value.items()}
    return {"data": {name: part for name, part in parts.items() if part is not None}}


def _part(value: Any, schema: dict[str, Any]) -> Any:
    """What a multipart body can carry of ``value``: text, files, numbers where the part is a
    number. Null, true or false, objects, and numbers for a text part have no form a server
    could tell from text (the client would send "None", "False", "0"), so they are not sent,
    as a form leaves out what it has no field for."""
    if isinstance(value, list):
        items = [part for part in (_part(item, schema.get("items", {})) for item in value) if part is not None]
        return items or None
    if value is None or isinstance(value, bool | dict):
        return None
    if isinstance(value, int | float) and schema.get("type") not in ("integer", "number"):
        return None
    return value


@pytest.fixture
def signed_in_by_turns(exchange: Exchange) -> Iterator[dict[str, str]]:
    return itertools.cycle([exchange.headers(who) for who in CAST])


@schema.parametrize()
@settings(deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_the_api_answers_as_its_document_says(case: Any, signed_in_by_turns: Iterator[dict[str, str]]) -> None:
    case.call_and_validate(headers=next(signed_in_by_turns), checks=ALL_CHECKS)
