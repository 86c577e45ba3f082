"""What the apps' pages share beyond their forms: a step sent from a form on an object's page
(a reason to decline, a note to return), which comes back on that page with the form's
problems marked when it is refused, never as a passing message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ipx.core.errors import ApplicationError
from ipx.core.forms import ServiceForm


def form_step(request: HttpRequest, form: ServiceForm, run: Callable[[dict[str, Any]], object], *,
              back: str, done: str, again: Callable[[ServiceForm], HttpResponse]) -> HttpResponse:
    """A step sent from a form on an object's page (a reason to decline…): done, back to
    ``back`` with ``done``; refused, the page again with the form and its problems (``again``)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return again(form)
