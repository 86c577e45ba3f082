"""The shapes of what people and organisations send to the API (``accounts.api`` and
``accounts.passwords.api``), stated as the inputs check them (``accounts.inputs``)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field
from pydantic.json_schema import JsonDict

from ipx.accounts.inputs import LANGUAGES
from ipx.accounts.models import Organisation
from ipx.accounts.regions import Province, RegionKind
from ipx.core.api.types import choice, pattern, rule, stated
from ipx.core.validation import FieldErrors

Email = Annotated[str, Field(max_length=254), stated(pattern(
    r"^[^@\s\x00]{1,64}@[^@\s\x00]{1,189}$", rule="An e-mail address as Django's validator reads it."))]
# At least ten characters, not all digits; common, breached and look-alike passwords (of the
# address or name) are refused by the password validators.
NewPassword = Annotated[str, Field(max_length=200), stated({
    "type": "string", "minLength": 10, "maxLength": 200, "not": {"pattern": r"^[0-9]*$|\x00"},
    **rule("Not a common or breached password, nor like the e-mail address or name.")})]
Language = Annotated[str, stated(choice(LANGUAGES))]
OrganisationKind = Annotated[str | None, stated(choice(Organisation.Kind))]
Region = Annotated[str | None, stated(choice(RegionKind))]
# Countries by pattern, not as a list of some 250 codes in every schema that takes one.
COUNTRY_RULE = "An ISO 3166 country code other than CN, HK, MO and TW (CLDR's list)."
USCC_RULE = ("A Unified Social Credit Code with its check character, its third and fourth digits a mainland "
             "province's GB/T 2260 code (or 10, a national authority's), needed for a mainland organisation (but "
             "an individual) and unique among organisations; empty otherwise.")


def _rule(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def province_code(also: str = "") -> JsonDict:
    return choice(("", *Province.values), rule=_rule("Needed for a mainland organisation; empty otherwise.", also))


def country_code(also: str = "") -> JsonDict:
    return pattern(r"^([A-Za-z]{2})?$", rule=_rule("Needed for an overseas organisation; empty otherwise.",
                                                    COUNTRY_RULE, also))


def uscc_code(also: str = "") -> JsonDict:
    return pattern(r"^([0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18})?$", rule=_rule(USCC_RULE, also))


WEB_ADDRESS = pattern(r"^(https?://[^\s\x00]{1,192})?$", rule="A web address Django's URL validator accepts.")

# A region filter: the mainland (CN) or one of its provinces (CN-44), HK, MO, TW, or a country.
RegionCode = Annotated[str, Field(pattern=r"^(CN(-[0-9]{2})?|[A-Z]{2})$", json_schema_extra=rule(
    "CN-<code> names a mainland province by its GB/T 2260 code; two letters are CN, HK, MO, TW or a country. "
    + COUNTRY_RULE))]


def check_region_as_given(*, province: str | None, country: str | None, errors: FieldErrors,
                          province_message: str, country_message: str) -> None:
    """A province or a country given is one the document allows, whatever the region: the
    region's parser reads a province only for the mainland and a country only overseas."""
    if province and province not in Province.values:
        errors.add("province", province_message)
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        errors.add("country", country_message)
