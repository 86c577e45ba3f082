from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import current_membership
from ipx.accounts.models import User
from ipx.accounts.selectors import is_member
from ipx.catalog import reference, selectors, services
from ipx.catalog.cleaning import parse_asset
from ipx.catalog.forms import AssetForm, form_class
from ipx.catalog.models import Asset, Copyright, IpcCode, Patent
from ipx.core.errors import ApplicationError, Conflict, PermissionDenied
from ipx.core.htmx import is_htmx_fragment
from ipx.core.pagination import PageRequest, page_count

ASSETS_PER_PAGE = 20


@require_GET
def asset(request: HttpRequest, asset_id: int) -> HttpResponse:
    item = selectors.asset_visible(request.user, asset_id)
    detail = item.detail
    ipc_entries = []
    if isinstance(detail, Patent) and detail.ipc_codes:
        known = {e.code: e for e in IpcCode.objects.filter(code__in=detail.ipc_codes)}
        ipc_entries = [(code, reference.ipc_title(known[code]) if code in known else "")
                       for code in detail.ipc_codes]
    return render(request, "catalog/asset.html", {
        "asset": item, "detail": detail, "ipc_entries": ipc_entries,
        "owners": list(item.owners.all()),
        "can_edit": isinstance(request.user, User) and is_member(request.user, item.holder_id),
    })


@require_GET
def ipc(request: HttpRequest, code: str = "") -> HttpResponse:
    """Browse the IPC from its sections down, or find entries by code or title."""
    q = request.GET.get("q", "").strip()[:100]
    if q:
        results = list(reference.ipc_search(q))
        return render(request, "catalog/ipc.html", {"q": q, "results": results})
    entry = reference.ipc_entry(code) if code else None
    children = reference.ipc_children(entry.code if entry else "")[:500]
    return render(request, "catalog/ipc.html", {
        "entry": entry,
        "ancestors": reference.ipc_ancestors(entry) if entry else [],
        "children": children,
    })


@require_GET
def nice(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/nice.html", {"classes": reference.nice_classes()})


# --- The organisation's own assets ------------------------------------------------------------

@login_required
@require_GET
def assets(request: HttpRequest) -> HttpResponse:
    """The current organisation's assets, filtered by type and searched by title or number."""
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    ip_type = request.GET.get("type", "")
    if ip_type not in Asset.Type.values:
        ip_type = ""
    q = request.GET.get("q", "").strip()[:100].replace("\x00", "")
    found = selectors.assets_of_organisation(current.organisation_id, ip_type=ip_type or None,
                                             text=q)
    page = PageRequest.parse(request.GET.get("page"), ASSETS_PER_PAGE)
    total = found.count()
    context = {
        "organisation": current.organisation,
        "items": list(found[page.offset:page.offset + page.size]),
        "total": total,
        "page": page.page,
        "pages": page_count(total, page.size),
        "ip_type": ip_type,
        "q": q,
        "types": Asset.Type.choices,
    }
    template = "catalog/_asset_results.html" if is_htmx_fragment(request) else "catalog/assets.html"
    return render(request, template, context)


def _form_page(request: HttpRequest, form: AssetForm, asset: Asset | None) -> HttpResponse:
    context = {"form": form, "asset": asset, "ip_type_label": Asset.Type(form.ip_type).label}
    return render(request, "catalog/asset_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def asset_new(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the IP type, then fill in the form for it."""
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    ip_type = request.GET.get("type", "")
    form_type = form_class(ip_type)
    if form_type is None:
        return render(request, "catalog/asset_new.html", {"organisation": current.organisation})
    initial: dict[str, str] = {}
    if ip_type == Asset.Type.COPYRIGHT and request.GET.get("kind") in Copyright.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = form_type(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_register(
                organisation_id=current.organisation_id, actor=request.user,
                asset=parse_asset(ip_type, form.values()))
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Registered. You can now offer it in a listing."))
            return redirect("catalog:asset", asset.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: AuthenticatedRequest, asset_id: int) -> HttpResponse:
    item = selectors.asset_visible(request.user, asset_id)
    if not is_member(request.user, item.holder_id):
        raise PermissionDenied(
            _("Only members of the organisation that holds this asset may edit it."))
    form_type = form_class(item.ip_type)
    if form_type is None:
        raise PermissionDenied(_("Assets of this type cannot be edited here."))
    form = form_type(request.POST or None, initial=form_type.initial_from(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(asset_id=item.pk, actor=request.user, changes=form.values())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:asset", item.pk)
    return _form_page(request, form, item)


@login_required
@require_POST
def asset_delete(request: AuthenticatedRequest, asset_id: int) -> HttpResponse:
    try:
        services.asset_delete(asset_id=asset_id, actor=request.user)
    except Conflict as exc:
        # Still there and still the member's: back to it, with the reason.
        messages.error(request, exc.message)
        return redirect("catalog:asset", asset_id)
    messages.success(request, _("Deleted."))
    return redirect("catalog:assets")
