"""Registry numbers: parse, normalise and check, with a message that says what is wrong.

CN patent application numbers (CNIPA):
* since 2003: ``YYYY`` + kind digit + 7-digit serial + ``.`` + check, e.g. ``202010123456.X``
* 1985–2003: ``YY`` + kind digit + 5-digit serial + ``.`` + check, e.g. ``98123456.3``
The check character is the weighted digit sum mod 11 (weights 2..9, 2..5 for the 12-digit
form, 2..9 for the 8-digit form), with 10 written ``X``. The kind digit is 1 invention,
2 utility model, 3 design, 8 PCT invention entering China, 9 PCT utility model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.core.errors import ValidationFailed

PATENT_KINDS_BY_DIGIT = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "invention",
    "9": "utility_model",
}

_WEIGHTS_12 = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_WEIGHTS_8 = (2, 3, 4, 5, 6, 7, 8, 9)


def patent_check_character(digits: str) -> str:
    """The check character of a 12- or 8-digit application number's digits."""
    weights = _WEIGHTS_12 if len(digits) == 12 else _WEIGHTS_8
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if total == 10 else str(total)


@dataclass(frozen=True, slots=True)
class ApplicationNumber:
    digits: str
    check: str

    def __str__(self) -> str:
        return f"{self.digits}.{self.check}"

    @property
    def year(self) -> int:
        if len(self.digits) == 12:
            return int(self.digits[:4])
        short = int(self.digits[:2])
        return 1900 + short if short >= 85 else 2000 + short

    @property
    def kind_digit(self) -> str:
        return self.digits[4] if len(self.digits) == 12 else self.digits[2]

    @property
    def kind(self) -> str:
        return PATENT_KINDS_BY_DIGIT[self.kind_digit]


_APPLICATION_RE = re.compile(r"^(?P<digits>\d{12}|\d{8})\.?(?P<check>[0-9X])$")


def parse_cn_application_number(value: str, *, field: str = "application_number") -> ApplicationNumber:
    raw = value.strip().upper().replace(" ", "").replace("\u3000", "")
    for prefix in ("CN", "ZL"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    raw = raw.replace("。", ".").replace("．", ".")
    match = _APPLICATION_RE.match(raw)
    if not match:
        raise ValidationFailed.for_field(
            field,
            _("“%(value)s” is not a CN patent application number; expected 12 digits, a dot and a "
              "check character (e.g. 202010123456.X) or the older 8-digit form (e.g. 98123456.3).")
            % {"value": value},
        )
    digits, check = match["digits"], match["check"]
    number = ApplicationNumber(digits=digits, check=check)
    if number.kind_digit not in PATENT_KINDS_BY_DIGIT:
        raise ValidationFailed.for_field(
            field,
            _("“%(value)s” has kind digit %(digit)s; CN application numbers use 1, 2, 3, 8 or 9.")
            % {"value": value, "digit": number.kind_digit},
        )
    if not 1985 <= number.year <= timezone.localdate().year:
        raise ValidationFailed.for_field(
            field, _("“%(value)s” has the filing year %(year)d, which is not possible.")
            % {"value": value, "year": number.year},
        )
    expected = patent_check_character(digits)
    if check != expected:
        raise ValidationFailed.for_field(
            field,
            _("The check character of “%(value)s” is wrong (%(given)s, the digits give %(expected)s); "
              "check the number for a typing error.")
            % {"value": value, "given": check, "expected": expected},
        )
    return number


# CN publication / grant numbers: CN + 7 to 9 digits + kind code (A, B, C, U, Y, S, D, ...).
_CN_PUBLICATION_RE = re.compile(r"^CN(?P<serial>\d{7,9})(?P<kind>[ABCUYSD]\d?)$")
PUBLICATION_KIND_CODES = {
    "A": "invention", "B": "invention", "C": "invention",
    "U": "utility_model", "Y": "utility_model",
    "S": "design", "D": "design",
}


def parse_cn_publication_number(value: str, *, field: str = "publication_number") -> tuple[str, str]:
    """Returns the normalised number and the patent kind its kind code implies."""
    raw = value.strip().upper().replace(" ", "").replace(".", "")
    if raw and raw[0].isdigit():
        raw = "CN" + raw
    match = _CN_PUBLICATION_RE.match(raw)
    if not match:
        raise ValidationFailed.for_field(
            field,
            _("“%(value)s” is not a CN publication or grant number; expected CN, 7 to 9 digits and "
              "a kind code, e.g. CN114081026A or CN215792497U.") % {"value": value},
        )
    return raw, PUBLICATION_KIND_CODES[match["kind"][0]]


def cn_publication_serial(number: str | None) -> str | None:
    """``CN114234912A`` → ``CN114234912``: what the documents of one CN application share
    (its publication A, its grant B, a utility model's U, a design's S), or None for a number
    not in that form. Numbers are compared by it so one patent is not registered twice under
    two of its documents' kind codes; the serial itself is never shortened, so different
    patents stay apart."""
    match = _CN_SERIAL_RE.match(number or "")
    return match["serial"] if match else None


_CN_SERIAL_RE = re.compile(r"^(?P<serial>CN\d{7,9})(?:[ABCUYSD]\d?)?$")


# Other offices' numbers are kept as given (their formats differ); only the shape is checked.
_FOREIGN_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9/.,\- ]{2,30}$")


def check_foreign_number(value: str, *, field: str) -> str:
    raw = value.strip().upper()
    if not _FOREIGN_NUMBER_RE.match(raw):
        raise ValidationFailed.for_field(
            field, _("“%(value)s” is not a patent number (letters, digits, / . , - only).") % {"value": value}
        )
    return raw


_TRADEMARK_RE = re.compile(r"^[1-9]\d{0,8}$")


def parse_trademark_number(value: str, *, field: str = "registration_number") -> str:
    raw = value.strip().replace(" ", "")
    if raw.upper().startswith("TM"):
        raw = raw[2:]
    if not _TRADEMARK_RE.match(raw):
        raise ValidationFailed.for_field(
            field, _("“%(value)s” is not a CN trademark registration number (1 to 9 digits, e.g. 12345678).")
            % {"value": value},
        )
    return raw


def parse_nice_classes(value: object, *, field: str = "nice_classes") -> list[int]:
    """Nice classes 1–45 from a list or a text like "9, 35;42"."""
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;，；、|]+", str(value or ""))
    classes: set[int] = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit() or not 1 <= int(text) <= 45:
            raise ValidationFailed.for_field(
                field, _("“%(value)s” is not a Nice class; classes are numbered 1 to 45.") % {"value": text}
            )
        classes.add(int(text))
    if not classes:
        raise ValidationFailed.for_field(field, _("Give at least one Nice class (1 to 45)."))
    return sorted(classes)


_SOFTWARE_COPYRIGHT_RE = re.compile(r"^(?P<year>\d{4})SR(?P<serial>\d{5,7})$")
_WORK_COPYRIGHT_RE = re.compile(r"^[\u4e00-\u9fff]{1,3}作登字-(?P<year>\d{4})-[A-Z]-\d{8}$")


def parse_software_copyright_number(value: str, *, field: str = "registration_number") -> str:
    raw = value.strip().upper().replace(" ", "")
    match = _SOFTWARE_COPYRIGHT_RE.match(raw)
    if not match or not 1992 <= int(match["year"]) <= timezone.localdate().year:
        raise ValidationFailed.for_field(
            field, _("“%(value)s” is not a software copyright registration number; expected the year, "
                     "SR and the serial, e.g. 2020SR0123456.") % {"value": value},
        )
    return raw


def parse_work_copyright_number(value: str, *, field: str = "registration_number") -> str:
    raw = value.strip().replace(" ", "").replace("—", "-").replace("－", "-")
    match = _WORK_COPYRIGHT_RE.match(raw)
    if not match or not 1990 <= int(match["year"]) <= timezone.localdate().year:
        raise ValidationFailed.for_field(
            field, _("“%(value)s” is not a work registration number; expected e.g. 国作登字-2021-F-00012345.")
            % {"value": value},
        )
    return raw


_IPC_RE = re.compile(r"^(?P<subclass>[A-H]\d{2}[A-Z])(?:(?P<group>\d{1,4})/(?P<sub>\d{2,6}))?$")
_IPC_PARTIAL_RE = re.compile(r"^[A-H](\d{2})?$")


def normalise_ipc(value: str) -> str:
    """``h04l 29/06`` → ``H04L29/06``; sections and classes pass as they are."""
    return re.sub(r"\s+", "", value.strip().upper()).replace("／", "/")


def ipc_shape_ok(code: str) -> bool:
    return bool(_IPC_RE.match(code) or _IPC_PARTIAL_RE.match(code))


def ipc_subclass(code: str) -> str:
    return code[:4]
