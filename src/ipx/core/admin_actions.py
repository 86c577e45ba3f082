"""A back-office action that asks the operator for a reason before running a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ipx.core.errors import ApplicationError


def run_for_each(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any],
                 service: Callable[[Model], object], done_message: Callable[[int], str]) -> None:
    """Run ``service`` per selected row in primary-key order; report each refusal by row."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            service(obj)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"#{obj.pk}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


def action_with_reason(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any], *,
                       title: str, service: Callable[[Model, str], object],
                       done_message: Callable[[int], str]) -> TemplateResponse | None:
    """First call shows a form for the reason; the confirming POST runs the service."""
    if request.POST.get("confirm"):
        reason = (request.POST.get("reason") or "").strip()
        if reason:
            run_for_each(modeladmin, request, queryset, lambda obj: service(obj, reason), done_message)
            return None
        modeladmin.message_user(request, _("Give a reason; the member sees it."), messages.ERROR)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "queryset": queryset,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/ipx/action_with_reason.html", context)
