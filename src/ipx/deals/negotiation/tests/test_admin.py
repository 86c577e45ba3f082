"""The back-office shows negotiation rows read-only and closes threads through the service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ipx.deals.models import Message, Offer, Thread
from ipx.deals.negotiation import offers
from ipx.deals.negotiation.tests.conftest import offer_terms, published_listing
from ipx.listings import ndas
from ipx.listings.models import NdaAcceptance
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    sign_in(client, UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_every_negotiation_page_of_the_back_office_renders(admin_client: Client, thread: Thread, owner: Member,
                                                           buyer: Member) -> None:
    offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms())
    secret = published_listing(owner, requires_nda=True, nda_text="保密")
    acceptance = ndas.nda_accept(listing_id=secret.pk, actor=buyer.user, organisation_id=buyer.organisation.pk)
    rows = [(Thread, thread.pk), (Offer, offer.pk), (Message, Message.objects.earliest("pk").pk),
            (NdaAcceptance, acceptance.pk)]
    for model, pk in rows:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200, model
        assert admin_client.get(reverse(f"{name}_change", args=[pk])).status_code == 200, model
        assert admin_client.get(reverse(f"{name}_add")).status_code == 403, model


def test_closing_threads_from_the_back_office(admin_client: Client, thread: Thread) -> None:
    response = admin_client.post(reverse("admin:deals_thread_changelist"),
                                 {"action": "close", "_selected_action": [str(thread.pk)]})
    assert response.status_code == 302
    assert Thread.objects.get().status == "closed"
