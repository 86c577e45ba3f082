"""Listings in each status of their workflow, reached through the services (so each has the
history it would have), and a snapshot to prove that a refused request changed nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test import Client
from django.utils import timezone

from ipx.accounts.models import User
from ipx.core.errors import ApplicationError
from ipx.listings import services
from ipx.listings.inputs import ListingChanges
from ipx.listings.models import Listing, ListingAsset, ListingEvent
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

DEAL_NUMBER = "IPX-2026-000042"


ROLES = ("anonymous", "owner", "buyer", "outsider", "operator")


def clients(owner: Member, buyer: Member, outsider: Member, operator: User) -> dict[str, Client]:
    operator_client = Client()
    sign_in(operator_client, operator)
    return {"anonymous": Client(), "owner": owner.client, "buyer": buyer.client, "outsider": outsider.client,
            "operator": operator_client}


def draft(owner: Member, operator: User) -> Listing:
    return listing_with_patent(owner.organisation, owner.user, title="锂电池隔膜技术转让")


def submitted(owner: Member, operator: User) -> Listing:
    listing = draft(owner, operator)
    return services.listing_submit(listing_id=listing.pk, actor=owner.user)


def published(owner: Member, operator: User) -> Listing:
    listing = submitted(owner, operator)
    return services.listing_approve(listing_id=listing.pk, operator=operator)


def reserved(owner: Member, operator: User) -> Listing:
    listing = published(owner, operator)
    return services.listing_reserve(listing_id=listing.pk, actor=None, note=DEAL_NUMBER)


def sold(owner: Member, operator: User) -> Listing:
    listing = reserved(owner, operator)
    return services.listing_mark_sold(listing_id=listing.pk, actor=operator, note=DEAL_NUMBER)


def withdrawn(owner: Member, operator: User) -> Listing:
    listing = published(owner, operator)
    return services.listing_withdraw(listing_id=listing.pk, actor=owner.user, reason="已与买方签约")


def expired(owner: Member, operator: User) -> Listing:
    listing = published(owner, operator)
    services.listings_expire_due(today=timezone.localdate() + timedelta(days=400))
    listing.refresh_from_db()
    return listing


def reopened(owner: Member, operator: User) -> Listing:
    """A draft again, once published: it can no longer be deleted."""
    listing = withdrawn(owner, operator)
    return services.listing_reopen(listing_id=listing.pk, actor=owner.user)


STATES: dict[str, Callable[[Member, User], Listing]] = {
    "draft": draft, "submitted": submitted, "published": published, "reserved": reserved, "sold": sold,
    "withdrawn": withdrawn, "expired": expired, "reopened": reopened,
}


def snapshot(listing_id: int) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    row = (Listing.objects.filter(pk=listing_id)
           .values("status", "title", "price_type", "price_amount", "review_note", "submitted_at", "published_at",
                   "expires_on", "updated_at").first())
    events = list(ListingEvent.objects.filter(listing_id=listing_id).values_list("verb", "from_status", "to_status"))
    assets = list(ListingAsset.objects.filter(listing_id=listing_id).values_list("asset_id", flat=True))
    return row, events, assets


def history(listing: Listing) -> list[tuple[str, str, str]]:
    return list(ListingEvent.objects.filter(listing=listing).values_list("verb", "from_status", "to_status"))


def api(client: Client, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    response = getattr(client, method)(f"/api/v1{path}", data=json.dumps(body) if body is not None else None,
                                       content_type="application/json", **headers)
    return response.status_code, (response.json() if response.content else None)


class _Undo(Exception):
    pass


# Each hand action as its service is called, with acceptable input.
SERVICE_CALLS: dict[str, Callable[[int, User], object]] = {
    "edit": lambda pk, user: services.listing_update(listing_id=pk, actor=user, changes=ListingChanges()),
    "delete": lambda pk, user: services.listing_delete(listing_id=pk, actor=user),
    "submit": lambda pk, user: services.listing_submit(listing_id=pk, actor=user),
    "recall": lambda pk, user: services.listing_recall(listing_id=pk, actor=user),
    "approve": lambda pk, user: services.listing_approve(listing_id=pk, operator=user),
    "reject": lambda pk, user: services.listing_reject(listing_id=pk, operator=user, reason="请补充许可条款"),
    "withdraw": lambda pk, user: services.listing_withdraw(listing_id=pk, actor=user),
    "reopen": lambda pk, user: services.listing_reopen(listing_id=pk, actor=user),
}


def _step_taken(listing_id: int) -> str:
    last = ListingEvent.objects.filter(listing_id=listing_id).order_by("-id").first()
    return last.verb if last else ""


def accepted_by_services(listing_id: int, user: User) -> list[str]:
    """The hand actions whose services accept ``user`` now; each try is undone at once.

    A step counts when its service took that very step: ``listing_withdraw`` recalls a
    listing still in review (the API's /withdraw always has), which is the recall step."""
    accepted = []
    for name, call in SERVICE_CALLS.items():
        before = _step_taken(listing_id)
        try:
            with transaction.atomic():
                call(listing_id, user)
                taken = _step_taken(listing_id) if Listing.objects.filter(pk=listing_id).exists() else name
                raise _Undo(taken)
        except _Undo as undone:
            (taken,) = undone.args
            # Edits of a draft leave no event; every other step records its own verb.
            if taken == name or (name == "edit" and taken == before):
                accepted.append(name)
        except ApplicationError:
            pass
    return accepted
