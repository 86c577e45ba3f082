from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
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
    """Mark all read, or one (``id``) and follow its link."""
    user = request.user
    raw_id = request.POST.get("id", "")
    if raw_id.isdigit():
        notification = selectors.notifications_for(user).filter(pk=int(raw_id)).first()
        services.notification_mark_read(user=user, notification_ids=[int(raw_id)])
        target = local_url(request, notification.url if notification is not None else "", "")
        if target:
            return redirect(target)
    else:
        services.notification_mark_read(user=user)
    return redirect("notifications:inbox")
