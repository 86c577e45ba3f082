"""A licensor and a licensee with a concluded licence deal between them: what securitisation's
receivables are entered from, through services, pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from ipx.accounts.models import Organisation, User
from ipx.deals.models import Deal
from ipx.deals.negotiation import offers as offer_services
from ipx.deals.negotiation import threads as thread_services
from ipx.testing.factories import OrganisationFactory, UserFactory
from ipx.testing.scenes import offer_terms, person, published_listing, signed_by_both


@dataclass
class Cast:
    licensor: Organisation
    licensor_admin: User
    licensee: Organisation
    licensee_admin: User
    operator: User


def licence_cast() -> Cast:
    licensor = OrganisationFactory.create(name="广州专利运营有限公司")
    licensee = OrganisationFactory.create(name="佛山精密模具有限公司")
    operator = UserFactory.create(email="abs-operator@example.com", full_name="Ophelia Operator", is_staff=True)
    return Cast(licensor, person("licensor@example.cn", "Li Censor", licensor), licensee,
                person("licensee@example.cn", "Li Censee", licensee), operator)


def licence_deal(cast: Cast, *, kind: str = "licence", signed: bool = True) -> Deal:
    """A concluded licence in two milestones (100,000 on signing, 400,000 on recordal) from
    the licensor to the licensee."""
    listing = published_listing(cast.licensor, cast.licensor_admin, cast.operator, offer_kinds=[kind])
    thread = thread_services.thread_open(listing_id=listing.pk, actor=cast.licensee_admin,
                                         organisation_id=cast.licensee.pk, message="我们希望获得许可。")
    licence = {"licence_exclusivity": "non_exclusive", "licence_term_months": "36"} if kind == "licence" else {}
    offer = offer_services.offer_make(thread_id=thread.pk, actor=cast.licensee_admin, terms=offer_terms(
        kind=kind, price_amount="500000.00", payment_structure="milestones",
        milestones=[{"title": "签约款", "amount": "100000.00", "condition": "on_signing"},
                    {"title": "备案后尾款", "amount": "400000.00", "condition": "on_recordal"}], **licence))
    deal = offer_services.offer_accept(offer_id=offer.pk, actor=cast.licensor_admin)
    return signed_by_both(deal, cast.licensor_admin, cast.licensee_admin) if signed else deal
