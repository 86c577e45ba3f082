"""Query and form parameters as the document lists them, and nothing else:

- a query parameter an endpoint does not take is refused (400, naming it), not ignored: a
  misspelt filter (``?stauts=draft``) would otherwise answer as if no filter were asked for;
- so is a form field of a multipart body the endpoint does not take (the document says so
  with ``additionalProperties: false``);
- a parameter that takes one value, sent twice (``?page=1&page=2``, a form field given twice),
  is refused rather than one of its values picked.

Installed on every operation of the API (``install``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.operation import Operation

from ipx.core.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class Declared:
    names: frozenset[str]
    lists: frozenset[str]  # those that take several values


def declared(operation: Operation, source: str) -> Declared:
    """The parameters ``operation`` takes from ``source`` (query, form), by the document's names."""
    names: set[str] = set()
    lists: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == source:
            # Files have no flattening map: their fields are the parts, under their aliases.
            flattened = getattr(model, "__ninja_flatten_map__", None)
            names |= set(flattened) if flattened is not None else {
                field.alias or name for name, field in model.model_fields.items()}
            lists |= set(getattr(model, "__ninja_collection_fields__", []))
    return Declared(frozenset(names), frozenset(lists))


def problems(values: QueryDict | MultiValueDict[str, Any], taken: Declared, *, known_only: bool) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in values:
        if known_only and name not in taken.names:
            found[name] = _("This address takes no parameter “%(name)s”.") % {"name": name}
        elif name not in taken.lists and len(values.getlist(name)) > 1:
            found[name] = _("Give “%(name)s” once.") % {"name": name}
    return found


def checked_parameters(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    operation: Operation = run.__self__  # type: ignore[attr-defined]  # ninja hands over each operation's bound run
    query, form, files = declared(operation, "query"), declared(operation, "form"), declared(operation, "file")
    # A file sent without a file name arrives as a form field of the file's name.
    parts = Declared(form.names | files.names, form.lists | files.lists)

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        found = problems(request.GET, query, known_only=True)
        if parts.names and request.method == "POST":
            found |= problems(request.POST, parts, known_only=True) | problems(request.FILES, parts, known_only=True)
        if found:
            return operation.api.on_exception(request, ValidationFailed(_("Some fields are not valid."), fields=found))
        return run(request, *args, **kwargs)

    return checked


def install(api: NinjaAPI) -> None:
    api.add_decorator(checked_parameters, mode="view")
