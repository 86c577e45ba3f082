"""Small builders for members' tests: an organisation in each verification status (driven
through the services where a step exists), a snapshot of everything a refused step must
leave alone, and an API caller."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from ipx.accounts import services
from ipx.accounts.inputs import OrganisationInput, OrganisationValues
from ipx.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from ipx.testing.fixtures import Member


def register_organisation(user: User, **fields: str) -> Organisation:
    """An organisation registered by ``user`` from raw fields, as a form or the API gives them."""
    organisation = OrganisationInput.parse(OrganisationValues.read(fields))
    return services.organisation_register(user=user, organisation=organisation)


def pending(member: Member) -> Organisation:
    """The member's organisation back to pending verification (as a fresh registration)."""
    Organisation.objects.filter(pk=member.organisation.pk).update(status=Organisation.Status.PENDING,
                                                                  verified_at=None)
    member.organisation.refresh_from_db()
    return member.organisation


def rejected(member: Member, operator: User) -> Organisation:
    pending(member)
    organisation = services.organisation_reject(organisation_id=member.organisation.pk, operator=operator,
                                                reason="营业执照不清晰")
    member.organisation.refresh_from_db()
    return organisation


def verified(member: Member) -> Organisation:
    member.organisation.refresh_from_db()
    assert member.organisation.status == Organisation.Status.VERIFIED
    return member.organisation


def snapshot(organisation: Organisation) -> dict[str, Any]:
    """What a refused step must not change."""
    fresh = Organisation.objects.get(pk=organisation.pk)
    return {
        "organisation": {field.attname: getattr(fresh, field.attname) for field in Organisation._meta.concrete_fields},
        "events": list(fresh.events.values_list("verb", "from_status", "to_status", "actor_id", "note")),
        "memberships": list(Membership.objects.order_by("pk").values_list("user_id", "organisation_id", "role")),
        "invitations": list(Invitation.objects.order_by("pk").values_list("email", "accepted_at")),
        "users": User.objects.count(),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "user_id")),
        "organisations": Organisation.objects.count(),
    }


def call(client: Client, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = getattr(client, method)(f"/api/v1{path}", data=json.dumps(body) if body is not None else None,
                                       content_type="application/json", **headers)
    return response.status_code, (response.json() if response.content else None)
