"""A right is pledged only while it stays with its holder: not while a listing offers it for
sale (or at auction, or under an exclusive licence), an open offer or an unfinished deal would
take it; and once pledged, no offer that would take it is accepted."""

from __future__ import annotations

import pytest

from ipx.accounts.models import User
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.deals.models import Deal, Offer
from ipx.deals.negotiation import offers, threads
from ipx.finance.models import Loan
from ipx.finance.services import loans as services
from ipx.finance.tests.test_loans_workflow import offered
from ipx.finance.tests.test_valuation_workflow import signed_off
from ipx.listings.models import Listing
from ipx.listings.services import listing_submit
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member
from ipx.testing.scenes import offer_terms, published_listing

pytestmark = pytest.mark.django_db


def _apply(owner: Member, banker: Member, listing: Listing, appraiser: Member) -> Loan:
    asset = listing.asset_links.get().asset
    return services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=banker.organisation.pk,
                               asset_ids=[asset.pk], amount_asked="300000", months="12", purpose="研发周转",
                               valuation_id=signed_off(owner, appraiser, asset).pk)


def _open_offer(listing: Listing, buyer: Member, **terms: object) -> Offer:
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                 message="我们有意合作。")
    return offers.offer_make(thread_id=thread.pk, actor=buyer.user, terms=offer_terms(**terms))


def test_a_right_on_sale_is_not_pledged_until_its_listing_is_withdrawn(
        owner: Member, banker: Member, operator: User, appraiser: Member) -> None:
    listing = published_listing(owner.organisation, owner.user, operator, offer_kinds=["transfer"])
    with pytest.raises(ValidationFailed) as refused:
        _apply(owner, banker, listing, appraiser)
    assert f"listing #{listing.pk}" in refused.value.fields["asset_ids"]
    assert not Loan.objects.exists()


def test_an_offer_to_buy_made_before_acceptance_keeps_the_loan_from_being_accepted(
        owner: Member, buyer: Member, banker: Member, operator: User, appraiser: Member) -> None:
    # A licence of no stated exclusivity: a buyer may ask for an exclusive one.
    listing = published_listing(owner.organisation, owner.user, operator, offer_kinds=["licence"],
                                licence_exclusivity="")
    loan = offered(_apply(owner, banker, listing, appraiser), banker)
    offer = _open_offer(listing, buyer, kind="licence", licence_exclusivity="exclusive", licence_territory="中国",
                        licence_term_months="24")
    with pytest.raises(Conflict) as refused:
        services.loan_accept(actor=owner.user, loan_id=loan.pk)
    assert f"Offer #{offer.pk}" in refused.value.message
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OFFERED


def test_a_listing_put_up_for_sale_while_the_loan_was_asked_for_keeps_it_from_being_accepted(
        owner: Member, banker: Member, appraiser: Member) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, offer_kinds=["licence"],
                                  licence_exclusivity="non_exclusive")
    loan = offered(_apply(owner, banker, listing, appraiser), banker)
    listing.offer_kinds = ["transfer", "auction"]
    listing.save(update_fields=["offer_kinds"])
    listing_submit(listing_id=listing.pk, actor=owner.user)  # not yet promised: nothing holds it
    with pytest.raises(Conflict) as refused:
        services.loan_accept(actor=owner.user, loan_id=loan.pk)
    assert f"listing #{listing.pk}" in refused.value.message


def test_no_offer_that_would_take_a_pledged_right_is_accepted(
        owner: Member, buyer: Member, banker: Member, operator: User, appraiser: Member) -> None:
    listing = published_listing(owner.organisation, owner.user, operator, offer_kinds=["licence"],
                                licence_exclusivity="")
    loan = offered(_apply(owner, banker, listing, appraiser), banker)
    services.loan_accept(actor=owner.user, loan_id=loan.pk)
    taking = _open_offer(listing, buyer, kind="licence", licence_exclusivity="exclusive", licence_territory="中国",
                         licence_term_months="24")
    with pytest.raises(Conflict) as refused:
        offers.offer_accept(offer_id=taking.pk, actor=owner.user)
    assert f"loan #{loan.pk}" in refused.value.message and banker.organisation.name in refused.value.message
    taking.refresh_from_db()
    assert taking.status == Offer.Status.OPEN and not Deal.objects.exists()
    offers.offer_withdraw(offer_id=taking.pk, actor=buyer.user)
    sharing = _open_offer(listing, buyer, kind="licence", licence_exclusivity="non_exclusive",
                          licence_territory="中国", licence_term_months="24")
    assert offers.offer_accept(offer_id=sharing.pk, actor=owner.user).status == Deal.Status.AWAITING_SIGNATURES


def test_a_loan_is_asked_for_in_a_known_currency_the_valuation_shares(
        owner: Member, banker: Member, appraiser: Member) -> None:
    valuation = signed_off(owner, appraiser)
    for currency, message in (("XYZ", "not one of the allowed values"), ("HKD", "The valuation is in CNY")):
        with pytest.raises(ValidationFailed) as refused:
            services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=banker.organisation.pk,
                                asset_ids=list(valuation.assets.values_list("pk", flat=True)), amount_asked="1000",
                                months="12", purpose="周转", valuation_id=valuation.pk, currency=currency)
        assert message in refused.value.fields["currency"]
    assert not Loan.objects.exists()


def test_a_valuation_asked_for_after_applying_is_attached_before_the_offer(
        owner: Member, banker: Member, appraiser: Member, buyer: Member) -> None:
    from ipx.finance.tests.test_valuation_workflow import patent_of

    asset = patent_of(owner)
    loan = services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk, bank_id=banker.organisation.pk,
                               asset_ids=[asset.pk], amount_asked="300000", months="12", purpose="周转")
    with pytest.raises(Conflict, match="valuation"):
        offered(loan, banker)
    other = signed_off(owner, appraiser)  # of another right
    with pytest.raises(ValidationFailed) as refused:
        services.loan_attach_valuation(actor=owner.user, loan_id=loan.pk, valuation_id=other.pk)
    assert "every pledged IP right" in refused.value.fields["valuation_id"]
    covering = signed_off(owner, appraiser, asset)
    with pytest.raises(PermissionDenied):
        services.loan_attach_valuation(actor=buyer.user, loan_id=loan.pk, valuation_id=covering.pk)
    services.loan_attach_valuation(actor=owner.user, loan_id=loan.pk, valuation_id=covering.pk)
    assert offered(loan, banker).status == Loan.Status.OFFERED
    with pytest.raises(Exception, match="cannot be done"):
        services.loan_attach_valuation(actor=owner.user, loan_id=loan.pk, valuation_id=covering.pk)
