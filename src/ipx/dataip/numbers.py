"""The registry's two numbers.

**Registration number** (16 characters): application year (4) + data-source code (2) +
registrant-type code (1) + sequence within the year (8) + one check character. The official
check algorithm is not public, so the check is pluggable (setting
``IPX_DATAIP_CHECK_CHARACTER``: the dotted path of a function from the first 15 characters to
the 16th); the default is ISO 7064 MOD 37,36 from python-stdnum, which catches any single
changed character and any swap of two neighbours.

**Certificate number** (17 digits): year (4) + month (2) of issue + registry code (4, e.g.
4400 for Guangdong; setting ``IPX_DATAIP_REGISTRY_CODE``) + serial within the registry's year
(7). The serials themselves come from ``ipx.dataip.services.sequences``, gap-free under
concurrency.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string
from stdnum.iso7064 import mod_37_36

DEFAULT_CHECK = "ipx.dataip.numbers.mod_37_36_check"
DEFAULT_REGISTRY_CODE = "4400"
REGISTRATION_FORMAT = re.compile(r"\d{4}\d{2}[A-Z]\d{8}[0-9A-Z]")
CERTIFICATE_FORMAT = re.compile(r"\d{17}")
SEQUENCE_DIGITS, SERIAL_DIGITS = 8, 7

# The registrant-type code of each kind of organisation.
REGISTRANT_CODES = {
    "enterprise": "E", "university": "U", "agency": "S", "financial": "F", "park": "P", "government": "G",
    "individual": "I",
}


def mod_37_36_check(body: str) -> str:
    return str(mod_37_36.calc_check_digit(body))


def _check_character() -> Callable[[str], str]:
    check: Callable[[str], str] = import_string(getattr(settings, "IPX_DATAIP_CHECK_CHARACTER", DEFAULT_CHECK))
    return check


def registry_code() -> str:
    code = str(getattr(settings, "IPX_DATAIP_REGISTRY_CODE", DEFAULT_REGISTRY_CODE))
    if not re.fullmatch(r"\d{4}", code):
        raise ValueError(f"IPX_DATAIP_REGISTRY_CODE must be four digits, not {code!r}")
    return code


def registration_number(*, year: int, source_code: str, registrant_kind: str, sequence: int) -> str:
    if sequence >= 10 ** SEQUENCE_DIGITS:
        raise ValueError("the year's registration sequence is exhausted")
    body = f"{year:04d}{source_code}{REGISTRANT_CODES[registrant_kind]}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + _check_character()(body)


def registration_number_valid(number: str) -> bool:
    """Well formed and its check character is the one the configured check computes."""
    text = number.strip().upper()
    return bool(REGISTRATION_FORMAT.fullmatch(text)) and _check_character()(text[:-1]) == text[-1]


def certificate_number(*, issued_on: date, serial: int, registry: str | None = None) -> str:
    if serial >= 10 ** SERIAL_DIGITS:
        raise ValueError("the registry's certificate serials for the year are exhausted")
    return f"{issued_on.year:04d}{issued_on.month:02d}{registry or registry_code()}{serial:0{SERIAL_DIGITS}d}"


def certificate_number_valid(number: str) -> bool:
    return bool(CERTIFICATE_FORMAT.fullmatch(number.strip()))
