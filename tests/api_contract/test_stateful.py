"""The API followed along its links (``ipx.api.links``): a listing made by one request is read,
changed, submitted and deleted by the next, a thread's offer accepted into a deal, a saved
search changed and removed, by the owner, the buyer and an operator in turn, each answer held
to every check Schemathesis has (``test_fuzz``). Where one step's object is gone or has moved
on, the next step's refusal (404, 409) is the contract's too."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from tests.api_contract.exchange import CAST, Exchange
from tests.api_contract.test_fuzz import ALL_CHECKS, schema


def test_the_api_keeps_its_contract_along_its_links(exchange: Exchange) -> None:
    turns = itertools.cycle([exchange.headers(who) for who in CAST])

    class SignedInByTurns(schema.as_state_machine()):
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            # The state machine makes up credentials of its own; the cast's real tokens replace them.
            if case.headers:
                case.headers.pop("Authorization", None)
            return {"headers": next(turns)}

        def validate_response(self, response: Response, case: Case,
                              additional_checks: list[Any] | None = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=ALL_CHECKS, headers=kwargs.get("headers"), transport_kwargs=kwargs)

    run_state_machine_as_test(SignedInByTurns, settings=settings(
        max_examples=25, stateful_step_count=6, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck)))
