"""A bid below a minimum the lot has already reached is refused before the lot's lock, with
the answer the locked path gives; what depends on the moment (the leader's own lead and
maximum, a retry with its key, a paused lot) is still decided under the lock."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import pytest

from ipx.auctions.inputs import BidValues
from ipx.auctions.models import Bid, BidReceipt, Deposit, Lot
from ipx.auctions.services import bidding, control
from ipx.auctions.tests.scene import bid
from ipx.core.errors import ApplicationError, Conflict, ValidationFailed
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def _answer(error: ApplicationError) -> tuple[Any, ...]:
    return type(error), error.status, error.code, error.message, error.fields


def _no_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**kwargs: Any) -> NoReturn:
        raise AssertionError("the lot's lock was taken")

    monkeypatch.setattr(bidding, "_bid_locked", refuse)


def test_a_stale_bid_gets_the_locked_answer_without_the_lock(live: Lot, buyer: Member, outsider: Member,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    bid(buyer, live, "120000")
    values = BidValues(amount="110000", currency="CNY", key="stale-1")
    with pytest.raises(ApplicationError) as locked:
        bidding._bid_locked(actor=outsider.user, lot_id=live.pk, values=values)
    _no_lock(monkeypatch)
    with pytest.raises(ApplicationError) as early:
        bidding.bid_place(actor=outsider.user, lot_id=live.pk, values=values)
    assert _answer(early.value) == _answer(locked.value)
    assert (early.value.status, early.value.fields["amount"]) == (400, "The lowest bid accepted now is 125000.")
    with pytest.raises(ValidationFailed):  # with a proxy maximum too
        bid(outsider, live, "110000", maximum="200000")
    assert (Bid.objects.filter(lot=live).count(), BidReceipt.objects.filter(key="stale-1").exists()) == (1, False)
    assert not Deposit.objects.filter(lot=live, registration__organisation=outsider.organisation).exists()


def test_a_retry_after_the_price_moved_is_answered_as_the_first_time(live: Lot, buyer: Member, outsider: Member,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = bid(outsider, live, "100000", key="first")
    bid(buyer, live, "120000")
    again = bid(outsider, live, "100000", key="first")  # now below the minimum, but a retry
    assert (again.replayed, again.first_seq, again.leading) == (True, first.first_seq, False)
    with pytest.raises(Conflict, match="Idempotency-Key"):
        bid(outsider, live, "110000", key="first")
    # A refused bid keeps no receipt: its retry is refused again, and the key is free for a good bid.
    with pytest.raises(ValidationFailed):
        bid(outsider, live, "110000", key="second")
    with monkeypatch.context() as patched:
        _no_lock(patched)
        with pytest.raises(ValidationFailed):
            bid(outsider, live, "110000", key="second")
    placed = bid(outsider, live, "125000", key="second")
    assert (placed.replayed, placed.leading, placed.first_seq) == (False, True, 3)


def test_the_leader_and_a_paused_lot_are_decided_under_the_lock(live: Lot, buyer: Member, outsider: Member,
                                                                operator: Any) -> None:
    bid(buyer, live, "100000", maximum="120000")
    with pytest.raises(Conflict, match="lead"):  # the leader's own lead, not "below the minimum"
        bid(buyer, live, "100000")
    raised = bid(buyer, live, "100000", maximum="140000")  # an amount below the minimum, a higher maximum
    assert (raised.leading, raised.first_seq) == (True, None)
    live.refresh_from_db()
    assert (live.leader_max, live.last_seq) == (140000, 1)
    control.lot_pause(operator=operator, lot_id=live.pk, reason="A question from the floor")
    with pytest.raises(Conflict, match="paused"):
        bid(outsider, live, "90000")


def test_a_refusal_over_the_api_carries_the_minimum_to_bid_again(live: Lot, buyer: Member, outsider: Member) -> None:
    def post(member: Member, amount: str, key: str) -> tuple[int, Any]:
        answer = member.client.post(f"/api/v1/auctions/lots/{live.pk}/bids", content_type="application/json",
                                    data=json.dumps({"amount": amount, "currency": "CNY"}), HTTP_IDEMPOTENCY_KEY=key)
        return answer.status_code, answer.json()

    assert post(buyer, "100000", "b-1")[0] == 201
    status, body = post(outsider, "100000", "o-1")
    view = outsider.client.get(f"/api/v1/auctions/lots/{live.pk}").json()
    assert (status, body["error"]["code"], body["error"]["fields"]["amount"]) == (
        400, "invalid", "The lowest bid accepted now is 105000.")
    assert body["lot"] == {"id": live.pk, "seq": view["seq"], "price": view["price"],
                           "minimum_bid": view["minimum_bid"]} == {"id": live.pk, "seq": 1, "price": "100000.00",
                                                                   "minimum_bid": "105000"}
    status, body = post(buyer, "105000", "b-2")  # the leader's own lead: 409, the lot too
    assert (status, body["lot"]["minimum_bid"]) == (409, "105000")
    assert post(outsider, body["lot"]["minimum_bid"], "o-2")[0] == 201


@pytest.mark.parametrize("case", ["another_organisation", "no_such_organisation", "unverified", "currency",
                                  "decimals", "paused", "own_organisation"])
def test_every_stale_bid_gets_the_locked_paths_answer(case: str, live: Lot, buyer: Member, outsider: Member,
                                                      operator: Any) -> None:
    """Whatever the early path is shown (a stale amount with something else wrong or unusual),
    the answer and the lot's rows are those of the locked path alone."""
    from ipx.accounts.models import Organisation

    bid(buyer, live, "120000")
    values = {"amount": "110000", "currency": "CNY", "key": f"case-{case}"}
    if case == "another_organisation":
        values["organisation_id"] = str(buyer.organisation.pk)
    elif case == "no_such_organisation":
        values["organisation_id"] = "x1"
    elif case == "own_organisation":
        values["organisation_id"] = str(outsider.organisation.pk)
    elif case == "unverified":
        Organisation.objects.filter(pk=outsider.organisation.pk).update(status=Organisation.Status.REJECTED)
    elif case == "currency":
        values["currency"] = "HKD"
    elif case == "decimals":
        values["amount"] = "110000.001"
    elif case == "paused":
        control.lot_pause(operator=operator, lot_id=live.pk, reason="A question from the floor")
    answers = []
    for place in (bidding._bid_locked, bidding.bid_place):
        with pytest.raises(ApplicationError) as refused:
            place(actor=outsider.user, lot_id=live.pk, values=BidValues(**values))
        answers.append(_answer(refused.value))
    assert answers[0] == answers[1]
    assert (Bid.objects.filter(lot=live).count(), BidReceipt.objects.filter(key=values["key"]).exists()) == (1, False)
