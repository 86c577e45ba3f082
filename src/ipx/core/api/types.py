"""Input types of the API, so that its OpenAPI document and the server cannot disagree.

What a request is made of is checked by pydantic before any service reads it: a body is an
object with exactly the fields its schema names, each of its JSON type (``InputSchema``),
amounts and percentages are decimals written in ASCII (``Amount``, ``Percent``), dates are
ISO dates (``Day``, ``Moment``), and a few values no service reads further are checked
against their list (``OneOf``).

The rules of the exchange (a title is required and at most 200 characters, a licence term is
1 to 600 months, a kind is one of its list) are checked by the one parser each concept has
(``listings.terms``, ``core.validation`` ...), which pages share and which words each refusal
as people know it. The document states those rules on each field (``stated`` with ``text``,
``whole``, ``choice``, ``decimal``, ``array``) from the parsers' own limits, and names the rules a schema cannot
state (one field against another, a check digit, a row in the database) as ``x-rule``
(``rule``). The contract test (``tests/api_contract``) sends what the document allows and
what it refuses and holds the server to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Choices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError, core_schema

from ipx.core.dates import day_out_of_range
from ipx.core.inputs import INVISIBLE_CLASS
from ipx.core.money import MAX_AMOUNT, Currency


class InputSchema(Schema):
    """What a request sends: an object with only the fields its schema names, each of the JSON
    type the schema gives. An unknown field is refused, not ignored (a misspelt optional field
    would otherwise look accepted), and nothing is coerced: "5" is no integer, 1 no boolean."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # ninja reads any object's attributes into a schema; a body must be a JSON object.
        if not isinstance(value, dict | DjangoGetter):
            raise PydanticCustomError("object_expected", _("Send an object with the fields this schema names."))
        return value


class OneOf:
    """``Annotated[str, OneOf(SomeChoices)]``: exactly one of the choices' values (a Django
    ``TextChoices``, or the values themselves), listed as the schema's ``enum``; for values
    no parser reads further (a list's filter)."""

    def __init__(self, choices: type[Choices] | Iterable[str]) -> None:
        self.values = _values(choices)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.values))


def _values(choices: type[Choices] | Iterable[str]) -> tuple[str, ...]:
    values = choices.values if isinstance(choices, type) else choices
    return tuple(str(value) for value in values)


# --- What the document states of a field a parser checks -------------------------------------

def rule(text: str) -> JsonDict:
    """``Field(json_schema_extra=rule(...))``: what the exchange checks beyond the schema."""
    return {"x-rule": text}


def stated(schema: JsonDict, *, null: bool = False) -> WithJsonSchema:
    """``Annotated[str | None, stated(text(200))]``: the document states ``schema`` for the
    field (or null too, where null empties it); the parser behind the endpoint enforces it."""
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}]} if null else schema)


def _with_rule(schema: JsonDict, rule_text: str | None) -> JsonDict:
    return {**schema, **rule(rule_text)} if rule_text else schema


# Text that shows nothing (white space, controls, zero-width and other invisible marks:
# ``core.inputs.INVISIBLE_CLASS``, as ``clean_text`` reads it) or holds NUL. Stated as what
# the text is not, so that generators need not search a pattern.
BLANK_OR_NUL = rf"^[{INVISIBLE_CLASS}]*$|\x00"


def text(max_length: int, *, required: bool = True, rule: str | None = None) -> JsonDict:
    """Text of at most ``max_length`` characters (``clean_text``); required text has more than
    white space."""
    schema: JsonDict = {"type": "string", "maxLength": max_length}
    if required:
        schema["not"] = {"pattern": BLANK_OR_NUL}
    return _with_rule(schema, rule)


def pattern(regex: str, *, rule: str | None = None) -> JsonDict:
    """Text of the form ``regex`` (lengths in the pattern itself, so that generators need not
    search for a long match)."""
    return _with_rule({"type": "string", "pattern": regex}, rule)


def any_case(values: Iterable[str], *, blank: bool = True) -> JsonDict:
    """One of ``values`` in any mix of capitals and small letters (a parser that reads them
    upper-cased), or empty when ``blank``."""
    spelt = ["".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in value)
             for value in values]
    return {"type": "string", "pattern": f"^(?:{'|'.join(spelt)}){'?' if blank else ''}$"}


def whole(low: int, high: int, *, rule: str | None = None) -> JsonDict:
    """A whole number from ``low`` to ``high``."""
    return _with_rule({"type": "integer", "minimum": low, "maximum": high}, rule)


def choice(choices: type[Choices] | Iterable[str], *, rule: str | None = None) -> JsonDict:
    """One of the values of ``choices`` (``clean_choice``)."""
    return _with_rule({"type": "string", "enum": list(_values(choices))}, rule)


def array(items: JsonDict, *, max_items: int, min_items: int = 0, unique: bool = False,
          rule: str | None = None) -> JsonDict:
    schema: JsonDict = {"type": "array", "items": items, "maxItems": max_items}
    if min_items:
        schema["minItems"] = min_items
    if unique:
        schema["uniqueItems"] = True
    return _with_rule(schema, rule)


# --- Decimals ------------------------------------------------------------------------------

# How an amount or a rate is written as text: ASCII digits, a point, a sign or an exponent
# (``core.money.PLAIN_DECIMAL``, without the thousands' commas a form takes).
DECIMAL_TEXT = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_DECIMAL = re.compile(DECIMAL_TEXT)


def _decimal_text(message: str, *, high: int, low_message: str, high_message: str) -> Any:
    """A JSON number or decimal text, as text for the parser that judges it. Decimal() would
    also read "1_000", " 5 " or "٣" (other scripts' digits): those are refused here, and so is
    a JSON number outside (0, ``high``], which the document states; in the parser's words
    (the messages are marked for translation and put into words on refusal)."""

    def read(value: Any) -> Any:
        if isinstance(value, str) and _DECIMAL.fullmatch(value):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise PydanticCustomError("decimal_expected", _(message))
        if value <= 0:
            raise PydanticCustomError("decimal_range", _(low_message))
        if value > high:
            raise PydanticCustomError("decimal_range", _(high_message) % {"max": f"{high:,}"})
        return repr(value) if isinstance(value, float) else str(value)

    return read


def decimal(low: int, high: int, *, rule: str) -> JsonDict:
    """A number above ``low`` and at most ``high`` (as JSON numbers state it), or decimal text;
    ``rule`` says what the text's pattern cannot (its range, its decimals)."""
    return _with_rule({"anyOf": [{"type": "number", "exclusiveMinimum": low, "maximum": high},
                                 {"type": "string", "pattern": DECIMAL_TEXT}]}, rule)


AMOUNT_RULE = "Above 0 and at most 10^12 (one trillion), with at most the currency's decimals: two, none for JPY."
AMOUNT = decimal(0, int(MAX_AMOUNT), rule=AMOUNT_RULE)
Amount = Annotated[str, BeforeValidator(_decimal_text(
    gettext_noop("Enter an amount as a number, e.g. 250000.00."), high=int(MAX_AMOUNT),
    low_message=gettext_noop("The amount must be greater than zero."),
    high_message=gettext_noop("The amount is too large; the most accepted is %(max)s."))), stated(AMOUNT)]
PERCENT = decimal(0, 50, rule="Above 0 and at most 50, with at most two decimals.")
ROYALTY = gettext_noop("The royalty is a percentage above 0 and at most 50.")
Percent = Annotated[str, BeforeValidator(_decimal_text(ROYALTY, high=50, low_message=ROYALTY, high_message=ROYALTY)),
                    stated(PERCENT)]


CurrencyCode = Annotated[str, OneOf(Currency)]


# The default of a field that may be left out but is never sent as null (a change keeps what
# it leaves out); the document states no default for it (``ipx.api.document``).
OMITTED: Any = None


# An Idempotency-Key header: 1 to 100 printable characters (str.isprintable over the Latin-1
# a header arrives in), not starting with a space (the key is read stripped).
PRINTABLE = r"\x20-\x7e\xa1-\xac\xae-\xff"
IDEMPOTENCY_KEY = rf"^[{PRINTABLE.replace('x20', 'x21')}][{PRINTABLE}]{{0,99}}$"


class QueryFlag:
    """``Annotated[bool, QueryFlag()]``: a query parameter's boolean, written true or false
    (pydantic alone would also take 0, 1, yes, off...)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_flag, handler(source))


def _flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_expected", _("Write true or false."))


# What ``core.uploads.check_upload`` accepts of an attached file.
UPLOAD_RULE = ("A named PDF or picture (PNG, JPEG, GIF, WebP) whose content is what its name says, at most 10 MB; "
               "a PDF without a password.")


def form_rules(**rules: str) -> dict[str, Any]:
    """``openapi_extra`` naming what the exchange checks of the parts of a multipart body (a
    file's kind and size, a part needed unless another is given)."""
    properties = {name: rule(text) for name, text in rules.items()}
    return {"requestBody": {"content": {"multipart/form-data": {"schema": {"properties": properties}}}}}


DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOMENT_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
                         r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})")


def _in_range(value: date) -> date:
    refused = day_out_of_range(value)
    if refused:
        raise PydanticCustomError("date_out_of_range", refused)
    return value


def _day(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return _in_range(value)
    if isinstance(value, str) and DAY_TEXT.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return _in_range(day)
    raise PydanticCustomError("date_expected", _("A date written YYYY-MM-DD, e.g. 2026-03-01."))


def _moment(value: Any) -> Any:
    if isinstance(value, datetime):
        return _in_range(value)
    if isinstance(value, str) and MOMENT_TEXT.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            pass
        else:
            return _in_range(moment)
    raise PydanticCustomError("datetime_expected", _("A time written as in RFC 3339, e.g. 2026-03-01T09:30:00+08:00."))


# The window is a rule the schema's formats cannot state (``core.dates``).
Day = Annotated[date, BeforeValidator(_day), WithJsonSchema({
    "type": "string", "format": "date", **rule("A day from 1900-01-01 to 2199-12-31.")})]
Moment = Annotated[datetime, BeforeValidator(_moment), WithJsonSchema({
    "type": "string", "format": "date-time", **rule("A time between 1900-01-01 and 2199-12-31.")})]
