"""OpenAPI links: where the answer of one operation leads (a listing made by ``POST
/listings`` is read, changed, submitted or deleted at ``/listings/{listing_id}``). Clients see
the way through the API; stateful tests follow them, so that the later steps act on objects
the earlier ones made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Leads:
    """``source`` (``"POST /listings"``) answering ``status`` leads to ``targets``, whose
    ``parameter`` is the answer's ``field``; a target's other path parameters are the
    source's own (a thread's offers keep the thread)."""

    source: str
    status: int
    parameter: str
    targets: tuple[str, ...]
    field: str = "id"


LINKS = (
    Leads("POST /organisations", 201, "organisation_id",
          ("GET /organisations/{organisation_id}", "PATCH /organisations/{organisation_id}",
           "GET /organisations/{organisation_id}/members", "GET /organisations/{organisation_id}/listings")),
    Leads("POST /auth/tokens", 201, "token_id", ("DELETE /auth/tokens/{token_id}",)),
    Leads("POST /assets", 201, "asset_id",
          ("GET /assets/{asset_id}", "PATCH /assets/{asset_id}", "DELETE /assets/{asset_id}")),
    Leads("POST /listings", 201, "listing_id",
          ("GET /listings/{listing_id}", "PATCH /listings/{listing_id}", "DELETE /listings/{listing_id}",
           "POST /listings/{listing_id}/submit", "GET /listings/{listing_id}/history",
           "GET /listings/{listing_id}/documents")),
    Leads("POST /listings/{listing_id}/submit", 200, "listing_id",
          ("POST /listings/{listing_id}/recall", "POST /listings/{listing_id}/approve",
           "POST /listings/{listing_id}/reject")),
    Leads("POST /listings/{listing_id}/documents", 201, "document_id",
          ("GET /listings/{listing_id}/documents/{document_id}",
           "DELETE /listings/{listing_id}/documents/{document_id}")),
    Leads("POST /threads", 201, "thread_id",
          ("GET /threads/{thread_id}", "GET /threads/{thread_id}/messages", "POST /threads/{thread_id}/messages",
           "GET /threads/{thread_id}/offers", "POST /threads/{thread_id}/offers", "POST /threads/{thread_id}/close")),
    Leads("POST /threads/{thread_id}/offers", 201, "offer_id",
          ("GET /offers/{offer_id}", "POST /offers/{offer_id}/withdraw", "POST /offers/{offer_id}/reject",
           "POST /offers/{offer_id}/accept", "POST /offers/{offer_id}/counter")),
    Leads("POST /offers/{offer_id}/accept", 200, "deal_id",
          ("GET /deals/{deal_id}", "POST /deals/{deal_id}/sign", "POST /deals/{deal_id}/cancel"), field="deal_id"),
    Leads("POST /demands", 201, "demand_id",
          ("GET /demands/{demand_id}", "PATCH /demands/{demand_id}", "POST /demands/{demand_id}/submit",
           "POST /demands/{demand_id}/close", "GET /demands/{demand_id}/matches")),
    Leads("POST /saved-searches", 201, "saved_search_id",
          ("GET /saved-searches/{saved_search_id}", "PATCH /saved-searches/{saved_search_id}",
           "DELETE /saved-searches/{saved_search_id}")),
)


def _operation(paths: dict[str, Any], prefix: str, label: str) -> tuple[str, dict[str, Any]]:
    method, path = label.split(" ", 1)
    return prefix + path, paths[prefix + path][method.lower()]


def add_links(paths: dict[str, Any], prefix: str) -> None:
    """Write ``LINKS`` into the ``paths`` of a document whose addresses start with ``prefix``."""
    for leads in LINKS:
        source_path, source = _operation(paths, prefix, leads.source)
        answer = source["responses"][leads.status]
        for target_label in leads.targets:
            target_path, target = _operation(paths, prefix, target_label)
            parameters = {name: f"$request.path.{name}" for name in _path_names(target_path)
                          if name in _path_names(source_path)}
            parameters[leads.parameter] = f"$response.body#/{leads.field}"
            answer.setdefault("links", {})[target["operationId"]] = {
                "operationId": target["operationId"], "parameters": parameters}


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
