"""Shapes the finance API shares: its typed inputs and the history rows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from ipx.core.api.types import rule

# Amounts and percentages as text; the services judge their range and decimals (x-rule).
Percent = Annotated[str, Field(max_length=20, json_schema_extra=rule(
    "A percentage with at most two decimals, within the range the step allows."))]
Money = Annotated[str, Field(max_length=30, json_schema_extra=rule(
    "An amount above 0 and at most 10^12, with at most the currency's decimals."))]
Whole = Annotated[str, Field(max_length=10, json_schema_extra=rule("A whole number within the step's range."))]
Text = Annotated[str, Field(max_length=5000, json_schema_extra=rule("Required text, within its length."))]


class HistoryOut(Schema):
    when: datetime
    from_status: str
    to_status: str
    actor: str
    text: str
