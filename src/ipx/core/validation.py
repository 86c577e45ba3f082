"""Helpers for services that check several input fields and report all problems at once."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Choices
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ipx.core.dates import EARLIEST_DAY, LATEST_DAY
from ipx.core.errors import ApplicationError, ValidationFailed
from ipx.core.inputs import shows_something


class FieldErrors:
    """Collects ``field → message``; ``raise_if_any`` raises one ValidationFailed for all."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str | Promise) -> None:
        self.errors.setdefault(field, str(message))

    def collect(self, error: ApplicationError) -> None:
        for field, message in (error.fields or {"__all__": error.message}).items():
            self.add(field, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            if len(self.errors) == 1:
                message = next(iter(self.errors.values()))
            else:
                message = _("Please correct the fields marked below.")
            raise ValidationFailed(message, fields=self.errors)


def clean_text(value: object, *, field: str, errors: FieldErrors, required: bool = True,
               max_length: int | None = None, label: str | Promise = "") -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        errors.add(field, _("The text contains a NUL character."))
        return ""
    if not shows_something(text):
        text = ""  # only invisible characters: as good as nothing
    if required and not text:
        errors.add(field, _("%(field)s is required.") % {"field": label} if label else _("This is required."))
    elif max_length is not None and len(text) > max_length:
        values = {"field": label, "max": max_length, "n": len(text)}
        errors.add(field, _("%(field)s is too long: at most %(max)d characters (it has %(n)d).") % values if label
                   else _("Too long: at most %(max)d characters (it has %(n)d).") % values)
    return text


def clean_email(value: object, *, field: str, errors: FieldErrors) -> str:
    email = ("" if value is None else str(value)).strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.add(field, _("Enter a valid e-mail address."))
    return email


def clean_url(value: object, *, field: str, errors: FieldErrors) -> str:
    url = ("" if value is None else str(value)).strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add(field, _("Enter a valid web address starting with http:// or https://."))
    return url


def clean_choice(value: object, choices: type[Choices], *, field: str, errors: FieldErrors,
                 required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if not text and not required:
        return ""
    allowed = [str(choice) for choice in choices.values]
    if text not in allowed:
        errors.add(field, _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                   % {"value": text, "allowed": ", ".join(allowed)})
    return text


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _read_date(text: str) -> date | None:
    # The two forms most files use (2021-06-01, 20210601) are read without trying strptime's
    # formats in turn, each failure an exception (an import reads dates by the hundred thousand).
    if text.isascii() and ((len(text) == 10 and text[4] == text[7] == "-") or (len(text) == 8 and text.isdigit())):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return read_date_by_formats(text)


def read_date_by_formats(text: str) -> date | None:
    """The first of the accepted formats that reads ``text``."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def clean_date(value: object, *, field: str, errors: FieldErrors, label: str | Promise = "",
               required: bool = False, not_future: bool = True) -> date | None:
    """A date from a date, a datetime or text in a common form (2021-06-01, 20210601, …)."""
    if value is None or value == "":
        if required:
            errors.add(field, _("%(field)s is required.") % {"field": label} if label else _("This is required."))
        return None
    if isinstance(value, datetime):
        parsed: date | None = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        text = str(value).strip()
        parsed = _read_date(text)
        if parsed is None:
            errors.add(field, _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text})
            return None
    assert parsed is not None  # every branch above set it or returned
    if parsed < EARLIEST_DAY:
        errors.add(field, _("%(field)s is too far in the past.") % {"field": label} if label
                   else _("This date is too far in the past."))
        return None
    if parsed > LATEST_DAY:
        errors.add(field, _("%(field)s is too far ahead.") % {"field": label} if label
                   else _("This date is too far ahead."))
        return None
    if not_future and parsed > timezone.localdate():
        errors.add(field, _("%(field)s cannot be in the future.") % {"field": label} if label
                   else _("This date cannot be in the future."))
        return None
    return parsed
