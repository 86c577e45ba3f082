"""The shapes of catalog values the API takes (``catalog.api``, and demands' IPC codes),
stated as the catalog's parsers check them (``catalog.cleaning``, ``catalog.identifiers``)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from ipx.catalog.identifiers import parse_nice_classes
from ipx.catalog.models import Asset, Copyright, Patent
from ipx.core.api.types import choice, pattern, stated
from ipx.core.errors import ValidationFailed
from ipx.core.validation import FieldErrors, clean_choice

# A section (H), class (H01), subclass (H01M) or group (H01M10/05), in capitals.
IPC_CODE = r"^[A-H](?:[0-9]{2}(?:[A-Z](?:[0-9]{1,4}/[0-9]{2,6})?)?)?$"
_IPC = re.compile(IPC_CODE)


def _ipc_shape(value: str) -> str:
    # The API takes codes as the IPC writes them; the parser's words for any other shape.
    if not _IPC.fullmatch(value):
        raise PydanticCustomError("ipc_code", _("“%(value)s” is not an IPC code; expected e.g. H04L, H04L29/06 or "
                                                "G06F16/33.") % {"value": value})
    return value


IpcSymbol = Annotated[str, AfterValidator(_ipc_shape), stated(pattern(
    IPC_CODE, rule="Known to the IPC table (a group under a known subclass is accepted)."))]

# The types of IP that can be registered through the catalog (data IP has its own way in).
REGISTERED_TYPES = (Asset.Type.PATENT, Asset.Type.TRADEMARK, Asset.Type.COPYRIGHT, Asset.Type.GI)
ASSET_KIND = choice((*Patent.Kind.values, *Copyright.Kind.values), rule=(
    "A patent's kind (invention, utility_model, design; its CN numbers imply it) or a copyright's (software, "
    "work, required for one)."))
# Patent numbers as offices write them; a CN number's form, filing year and check character,
# and that no asset on IPX has it already, are checked beyond the shape.
_PATENT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.,\- ]{2,39}")
PATENT_NUMBER = pattern(f"^{_PATENT_NUMBER.pattern}$", rule=(
    "For office CN: an application number of 12 (or 8) digits, a dot and its check character, e.g. "
    "202010123456.X, or a publication number CN + 7 to 9 digits + kind code; for other offices letters, digits "
    "and / . , -. Not registered on IPX already; a patent needs an application or a publication number."))
REGISTRATION_NUMBER: dict[str, Any] = {"type": "string", "maxLength": 40, "x-rule": (
    "A trademark's CN registration number (1 to 9 digits) or a copyright's (e.g. 2020SR0123456, "
    "国作登字-2021-F-00012345); required for those types and not registered on IPX already.")}
PAST_DAY = ("From 1900 and not in the future; a patent's publication and grant not before its filing, its filing "
            "year that of its CN application number.")


def check_details_as_given(details: Any, ip_type: str | None, errors: FieldErrors) -> None:
    """The fields of one IP type are read only for assets of that type; what the document
    states of them holds for every asset, in the parsers' words."""
    office = details.office
    if office is not None and not re.fullmatch(r"[A-Za-z]{2}", office):
        errors.add("office", _("Give the patent office as a two-letter code, e.g. CN, US, EP."))
    kind = details.kind
    if kind and kind not in (*Patent.Kind.values, *Copyright.Kind.values):
        if ip_type == Asset.Type.COPYRIGHT:
            clean_choice(kind, Copyright.Kind, field="kind", errors=errors)
        else:
            errors.add("kind", _("The kind must be invention, utility model or design."))
    for field in ("application_number", "publication_number", "grant_number"):
        number = getattr(details, field)
        if number and not _PATENT_NUMBER.fullmatch(number):
            errors.add(field, _("“%(value)s” is not a patent number (letters, digits, / . , - only).")
                       % {"value": number})
    if details.nice_classes:
        try:
            parse_nice_classes(details.nice_classes)
        except ValidationFailed as exc:
            errors.collect(exc)
