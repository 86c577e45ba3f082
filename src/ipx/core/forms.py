"""What every app's page forms share: the base that puts a service's refusal onto the form,
and typed fields that read what people type with the same readers as the API, so a page
and the API word the same mistake alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from ipx.core.errors import ApplicationError
from ipx.core.money import read_amount
from ipx.core.validation import FieldErrors, clean_date

T = TypeVar("T", covariant=True)


class ServiceForm(forms.Form):
    # Labels stand above their fields; a trailing colon adds nothing in any language.
    label_suffix = ""

    def set_choices(self, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
        """The options of choice field ``name`` where they are known only per request (the
        viewer's organisations, a loan's pools…)."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
        field.choices = list(choices)

    def add_service_error(self, error: ApplicationError) -> None:
        """Show a service's refusal: on the fields it names, else above the form."""
        placed = False
        for field, message in error.fields.items():
            if field in self.fields:
                self.add_error(field, message)
                placed = True
        if not placed or error.fields.keys() - self.fields.keys():
            self.add_error(None, error.message if not error.fields else
                           "; ".join(m for f, m in error.fields.items() if f not in self.fields) or error.message)


class Reader(Protocol[T]):
    def __call__(self, value: object, *, field: str, errors: FieldErrors) -> T: ...


def read_with(reader: Reader[T], value: object) -> T:
    """``value`` read by one of the inputs' readers; its refusal becomes the field's error."""
    errors = FieldErrors()
    typed = reader(value, field="value", errors=errors)
    if errors:
        raise ValidationError(errors.errors["value"], code="invalid")
    return typed


class DayField(forms.DateField):
    """A day as the services read one (2026-06-01, 2026/06/01, 20260601, 2026年6月1日, or a
    date), refused in their words: the value that is no date is named, and a day before 1900
    is too far in the past — “``named`` is too far in the past.” when the services give the
    day a name in that message. Whether the day may lie ahead is the services' to say."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *, named: str | Promise = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.named = named

    def to_python(self, value: Any) -> Any:
        return read_with(self._read, value)

    def _read(self, value: object, *, field: str, errors: FieldErrors) -> date | None:
        return clean_date(value, field=field, errors=errors, label=self.named, not_future=False)


class AmountField(forms.DecimalField):
    """An amount as people write one (thousands separated by commas), in a text box: a number
    box would refuse the commas. Whether it suits its currency is the terms' rule."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Any:
        # A Decimal or None (the type stubs give DecimalField the int of IntegerField).
        amount: Decimal | None = read_with(read_amount, value)
        return amount
