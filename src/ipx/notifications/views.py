from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.ids import parse_id
from ipx.core.redirects import local_url
from ipx.notifications import selectors, services


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for(user, unread_only=unread_only), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark all read, or one (``id``) and follow its link; an ``id`` that is no id marks nothing."""
    user = request.user
    if "id" not in request.POST:
        services.notification_mark_read(user=user)
        return redirect("notifications:inbox")
    notification_id = parse_id(request.POST["id"])
    notification = (selectors.notifications_for(user).filter(pk=notification_id).first()
                    if notification_id is not None else None)
    if notification is not None:
        services.notification_mark_read(user=user, notification_ids=[notification.pk])
        target = local_url(request, notification.url, "")
        if target:
            return redirect(target)
    return redirect("notifications:inbox")
