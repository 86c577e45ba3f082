from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipx.catalog import reference, selectors
from ipx.catalog.models import IpcCode


@require_GET
def asset(request: HttpRequest, asset_id: int) -> HttpResponse:
    item = selectors.asset_visible(request.user, asset_id)  # type: ignore[arg-type]
    detail = item.detail
    ipc_entries = []
    if detail is not None and getattr(detail, "ipc_codes", None):
        known = {e.code: e for e in IpcCode.objects.filter(code__in=detail.ipc_codes)}  # type: ignore[union-attr]
        ipc_entries = [(code, reference.ipc_title(known[code]) if code in known else "")
                       for code in detail.ipc_codes]  # type: ignore[union-attr]
    return render(request, "catalog/asset.html", {
        "asset": item, "detail": detail, "ipc_entries": ipc_entries,
        "owners": list(item.owners.all()),
    })


@require_GET
def ipc(request: HttpRequest, code: str = "") -> HttpResponse:
    """Browse the IPC from its sections down, or find entries by code or title."""
    q = request.GET.get("q", "").strip()[:100]
    if q:
        return render(request, "catalog/ipc.html", {"q": q, "results": list(reference.ipc_search(q))})
    entry = reference.ipc_entry(code) if code else None
    children = reference.ipc_children(entry.code if entry else "")[:500]
    return render(request, "catalog/ipc.html", {
        "entry": entry, "ancestors": reference.ipc_ancestors(entry) if entry else [], "children": children,
    })


@require_GET
def nice(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/nice.html", {"classes": reference.nice_classes()})
