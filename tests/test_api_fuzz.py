"""Schemathesis drives every operation of the OpenAPI document with generated input, signed
in as a member with a verified organisation: whatever it sends, the answer is never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.transport.requests import multipart_serializer
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member
from ipx.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@WSGI_TRANSPORT.serializer("multipart/form-data")
def _multipart(context: Any, value: Any) -> dict[str, Any]:
    # The WSGI transport hands generated non-object multipart bodies straight to the test
    # client, which fails before any request is made; encode those as raw bytes instead.
    return {"data": value} if isinstance(value, dict) else multipart_serializer(context, value)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # Requests here go straight to the WSGI app, whose end-of-request hook would close the
    # connection holding the test's transaction (Django's own test client unhooks it too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_headers(owner: Member) -> dict[str, str]:
    # Something to find, read and change, so that generated ids sometimes hit real rows.
    listing_with_patent(owner.organisation, owner.user)
    # Every scope, so that the money endpoints are reached too.
    _token, key = api_token_create(user=owner.user, token=TokenInput.parse(name="fuzz",
                                                                           scopes=["read", "write", "money"]))
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_input_makes_the_api_fail(case: Any, member_headers: dict[str, str]) -> None:
    response = case.call(headers=member_headers)
    case.validate_response(response, checks=[not_a_server_error])
