"""Results of a session run through the services: a lot sold over its reserve, one unsold
below it, a patent-and-trademark package sold by a proxy's answer, and a lot withdrawn. Every
figure is checked, then the page, the API and each export, and who may see them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from ipx.accounts.models import User
from ipx.auctions.inputs import BidValues, LotValues, SessionValues
from ipx.auctions.models import AuctionSession, Lot, Registration
from ipx.auctions.results.selectors import LotResult, Summary, results_of, session_results, summarise
from ipx.auctions.services import control, registration, setup
from ipx.auctions.services.bidding import bid_place
from ipx.catalog.models import Asset
from ipx.core.errors import NotFound, PermissionDenied
from ipx.listings import services as listing_services
from ipx.listings.models import Listing, ListingAsset
from ipx.testing.factories import ListingFactory, PatentFactory, TrademarkFactory
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db

SESSION_TITLE = "湾区知识产权拍卖会 2026"


def listing_of(owner: Member, operator: User, *kinds: str) -> Listing:
    """A published listing of one new asset of each kind ("patent", "trademark")."""
    listing = ListingFactory.create(organisation=owner.organisation, created_by=owner.user,
                                    expires_on=timezone.localdate() + timedelta(days=300))
    for position, kind in enumerate(kinds):
        factory = PatentFactory if kind == "patent" else TrademarkFactory
        made = factory.create(asset__holder=owner.organisation)
        ListingAsset.objects.create(listing=listing, asset=made.asset, position=position)
    listing_services.listing_submit(listing_id=listing.pk, actor=owner.user)
    return listing_services.listing_approve(listing_id=listing.pk, operator=operator)


def add_lot(session: AuctionSession, listing: Listing, operator: User, *, start: str,
            reserve: str | None) -> Lot:
    now = timezone.now()
    return setup.lot_add(operator=operator, session_id=session.pk, values=LotValues(
        listing_id=listing.pk, offer_kind="transfer", starting_price=start, deposit="20000",
        opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=1), hard_end=now + timedelta(hours=2),
        reserve_price=reserve))


def bid(member: Member, lot: Lot, amount: str, maximum: str | None = None) -> None:
    bid_place(actor=member.user, lot_id=lot.pk, values=BidValues(amount=amount, currency="CNY", maximum=maximum))


def close_now(lot: Lot) -> str:
    Lot.objects.filter(pk=lot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    return control.lot_close_due(lot_id=lot.pk)


def new_session(operator: User, title: str = SESSION_TITLE) -> AuctionSession:
    return setup.session_create(operator=operator, values=SessionValues(
        title=title, starts_at=timezone.now() - timedelta(hours=1)))


def admit(member: Member, session: AuctionSession, operator: User) -> Registration:
    applied = registration.registration_apply(actor=member.user, session_id=session.pk,
                                              organisation_id=member.organisation.pk)
    return registration.registration_admit(operator=operator, registration_id=applied.pk)


@dataclass
class Scene:
    session: AuctionSession
    lots: list[Lot]
    buyer_number: int
    outsider_number: int


@pytest.fixture
def finished(operator: User, owner: Member, buyer: Member, outsider: Member) -> Scene:
    session = new_session(operator)
    lots = [
        add_lot(session, listing_of(owner, operator, "patent"), operator, start="100000", reserve="150000"),
        add_lot(session, listing_of(owner, operator, "trademark"), operator, start="100000", reserve="150000"),
        add_lot(session, listing_of(owner, operator, "patent", "trademark"), operator, start="300000", reserve=None),
        add_lot(session, listing_of(owner, operator, "patent"), operator, start="100000", reserve=None),
    ]
    setup.session_announce(operator=operator, session_id=session.pk)
    numbers = []
    for member in (buyer, outsider):
        numbers.append(admit(member, session, operator).bidder_number)
        deposit(member.organisation, "1000000")
    for lot in lots:
        assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.OPEN
    bid(buyer, lots[0], "140000")
    bid(outsider, lots[0], "160000")  # over the reserve: sold
    bid(buyer, lots[1], "120000")  # under the reserve: unsold
    bid(buyer, lots[2], "300000", maximum="320000")
    bid(outsider, lots[2], "305000")  # the buyer's proxy answers 310,000 and wins
    bid(buyer, lots[3], "100000")
    control.lot_withdraw(operator=operator, lot_id=lots[3].pk, reason="The seller licensed it elsewhere")
    assert [close_now(lot) for lot in lots[:3]] == [Lot.Status.SOLD, Lot.Status.UNSOLD, Lot.Status.SOLD]
    session.refresh_from_db()
    assert session.status == AuctionSession.Status.FINISHED
    assert numbers[0] is not None and numbers[1] is not None
    return Scene(session, lots, numbers[0], numbers[1])


@pytest.fixture
def live(operator: User, owner: Member, buyer: Member) -> AuctionSession:
    session = new_session(operator, "正在进行的拍卖会")
    lot = add_lot(session, listing_of(owner, operator, "patent"), operator, start="100000", reserve="150000")
    setup.session_announce(operator=operator, session_id=session.pk)
    admit(buyer, session, operator)
    deposit(buyer.organisation, "1000000")
    control.lot_open_due(lot_id=lot.pk)
    bid(buyer, lot, "110000")
    session.refresh_from_db()
    assert session.status == AuctionSession.Status.LIVE
    return session


def url(session: AuctionSession, file_format: str = "") -> str:
    return f"/auctions/{session.pk}/results/" + (f"?format={file_format}" if file_format else "")


def api_url(session: AuctionSession) -> str:
    return f"/api/v1/auctions/sessions/{session.pk}/results"


def test_every_figure_of_a_finished_session(finished: Scene, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(4):
        [results] = results_of([finished.session.pk])
    assert (results.title, results.status, results.currency, results.is_final) == (
        SESSION_TITLE, "finished", "CNY", True)
    P, T = Asset.Type.PATENT.value, Asset.Type.TRADEMARK.value
    assert [(lot.number, lot.ip_types, lot.status, lot.starting_price, lot.hammer_price, lot.premium_rate, lot.bids,
             lot.bidders, lot.winner_number) for lot in results.lots] == [
        (1, (P,), "sold", Decimal("100000.00"), Decimal("160000.00"), Decimal("0.6000"), 2, 2,
         finished.outsider_number),
        (2, (T,), "unsold", Decimal("100000.00"), None, None, 1, 1, None),
        (3, (P, T), "sold", Decimal("300000.00"), Decimal("310000.00"), Decimal("0.0333"), 3, 2,
         finished.buyer_number),
        (4, (P,), "withdrawn", Decimal("100000.00"), None, None, 1, 1, None),
    ]
    assert all(lot.closed_at is not None for lot in results.lots)

    def figures(row: Summary) -> tuple[Any, ...]:
        return (row.ip_type, row.lots_offered, row.lots_sold, row.lots_withdrawn, row.success_rate, row.total_hammer,
                row.highest_premium_rate)

    assert [figures(row) for row in results.by_ip_type] == [
        (P, 2, 2, 1, Decimal("1.0000"), Decimal("470000.00"), Decimal("0.6000")),
        (T, 2, 1, 0, Decimal("0.5000"), Decimal("310000.00"), Decimal("0.0333")),
    ]
    assert figures(results.total) == ("", 3, 2, 1, Decimal("0.6667"), Decimal("470000.00"), Decimal("0.6000"))
    assert all(isinstance(lot, LotResult) for lot in results.lots)


def test_several_sessions_are_read_at_once_in_the_order_asked(finished: Scene, live: AuctionSession,
                                                              django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(4):  # however many sessions and lots
        found = results_of([live.pk, finished.session.pk, live.pk, 10**9])
    assert [(r.session_id, len(r.lots)) for r in found] == [(live.pk, 1), (finished.session.pk, 4)]
    running = found[0]
    assert [(lot.status, lot.hammer_price, lot.bids) for lot in running.lots] == [("open", None, 1)]
    assert (running.total.lots_offered, running.total.success_rate, running.total.highest_premium_rate) == (
        0, None, None)
    assert results_of([]) == []


def test_who_may_read_results(finished: Scene, live: AuctionSession, operator: User, buyer: Member) -> None:
    draft = new_session(operator, "尚未公布")
    assert session_results(None, finished.session.pk).session_id == finished.session.pk
    with pytest.raises(PermissionDenied):
        session_results(buyer.user, live.pk)
    with pytest.raises(NotFound):
        session_results(buyer.user, draft.pk)
    with pytest.raises(NotFound):
        session_results(None, 2**63)
    assert session_results(operator, live.pk).is_final is False
    assert session_results(operator, draft.pk).lots == ()


def test_the_page_shows_every_figure_and_no_reserve_or_bidder(finished: Scene, client: Client, buyer: Member,
                                                               outsider: Member) -> None:
    response = client.get(url(finished.session))
    assert response.status_code == 200
    page = response.content.decode()
    assert SESSION_TITLE in page
    for shown in ("160,000.00", "310,000.00", "470,000.00", "60.00 %", "3.33 %", "66.67 %", "100.00 %", "50.00 %",
                  'id="lot-4"', 'data-label="Premium rate"', "?format=csv", "?format=xlsx", "?format=pdf"):
        assert shown in page, shown
    assert 'id="provisional"' not in page
    for hidden in ("150,000", "Reserve", "reserve", buyer.organisation.name, outsider.organisation.name):
        assert hidden not in page, hidden
    assert f">{finished.outsider_number}<" in page  # the winner of lot 1, by its number


def test_the_api_gives_the_same_figures(finished: Scene, client: Client, buyer: Member) -> None:
    response = client.get(api_url(finished.session))
    assert response.status_code == 200
    body = response.json()
    assert (body["session_id"], body["status"], body["final"], body["currency"]) == (
        finished.session.pk, "finished", True, "CNY")
    assert [(lot["number"], lot["status"], lot["ip_types"], lot["hammer_price"], lot["premium_rate"], lot["bids"],
             lot["bidders"]) for lot in body["lots"]] == [
        (1, "sold", ["patent"], "160000.00", "0.6000", 2, 2),
        (2, "unsold", ["trademark"], None, None, 1, 1),
        (3, "sold", ["patent", "trademark"], "310000.00", "0.0333", 3, 2),
        (4, "withdrawn", ["patent"], None, None, 1, 1),
    ]
    assert [(row["ip_type"], row["lots_offered"], row["lots_sold"], row["success_rate"], row["total_hammer"],
             row["highest_premium_rate"]) for row in [*body["by_ip_type"], body["total"]]] == [
        ("patent", 2, 2, "1.0000", "470000.00", "0.6000"),
        ("trademark", 2, 1, "0.5000", "310000.00", "0.0333"),
        ("", 3, 2, "0.6667", "470000.00", "0.6000"),
    ]
    text = response.content.decode()
    assert "reserve" not in text and "150000" not in text and buyer.organisation.name not in text


def test_the_csv_export(finished: Scene, client: Client) -> None:
    response = client.get(url(finished.session, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="auction-{finished.session.pk}-results.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:9] == ["Lot", "Title", "IP type", "Offered as", "Status", "Currency", "Starting price",
                           "Hammer price", "Premium rate (%)"]
    assert [row[4:] for row in rows[1:5]] == [
        ["Sold", "CNY", "100000.00", "160000.00", "60.00", "2", "2", str(finished.outsider_number)],
        ["Unsold", "CNY", "100000.00", "", "", "1", "1", ""],
        ["Sold", "CNY", "300000.00", "310000.00", "3.33", "3", "2", str(finished.buyer_number)],
        ["Withdrawn", "CNY", "100000.00", "", "", "1", "1", ""],
    ]
    assert rows[3][2] == "Patent / Trademark"
    assert rows[5] == []
    assert rows[6][0] == "IP type"
    assert rows[7:] == [
        ["Patent", "CNY", "2", "2", "1", "100.00", "470000.00", "60.00"],
        ["Trademark", "CNY", "2", "1", "0", "50.00", "310000.00", "3.33"],
        ["All lots", "CNY", "3", "2", "1", "66.67", "470000.00", "60.00"],
    ]
    chinese = client.get(url(finished.session, "csv"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    headings = next(csv.reader(io.StringIO(chinese.content.decode("utf-8-sig"))))
    assert "状态" in headings and "币种" in headings  # the reader's language


def test_the_xlsx_export(finished: Scene, client: Client) -> None:
    response = client.get(url(finished.session, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = load_workbook(io.BytesIO(response.content))
    lots, types = workbook.worksheets
    values = [list(row) for row in lots.iter_rows(values_only=True)]
    assert values[0][6:9] == ["Starting price", "Hammer price", "Premium rate"]
    assert values[1][1] == listing_title(finished.lots[0])
    # Numbers, not text: amounts add up and rates show as percentages in a spreadsheet.
    assert [(row[0], row[7], row[8], row[9], row[10]) for row in values[1:]] == [
        (1, 160000, 0.6, 2, 2), (2, None, None, 1, 1), (3, 310000, 0.0333, 3, 2), (4, None, None, 1, 1)]
    assert lots.cell(row=2, column=9).number_format == "0.00%"
    summary = [list(row) for row in types.iter_rows(values_only=True)]
    assert [row[2:] for row in summary[1:]] == [
        [2, 2, 1, 1, 470000, 0.6], [2, 1, 0, 0.5, 310000, 0.0333], [3, 2, 1, 0.6667, 470000, 0.6]]
    assert [row[0] for row in summary[1:]] == ["Patent", "Trademark", "All lots"]
    assert types.cell(row=2, column=7).number_format == "#,##0.00"


def listing_title(lot: Lot) -> str:
    return Listing.objects.get(pk=lot.listing_id).title


def test_the_pdf_export(finished: Scene, client: Client) -> None:
    response = client.get(url(finished.session, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    for shown in ("湾区知识产权拍卖会", "160,000.00", "310,000.00", "60.00 %", "66.67 %"):
        assert shown in text, shown
    assert "150,000" not in text


def test_a_running_session_shows_its_results_to_operators_only(live: AuctionSession, client: Client,
                                                                buyer: Member, operator_client: Client) -> None:
    for who in (client, buyer.client):
        assert who.get(url(live)).status_code == 403
        assert who.get(url(live, "csv")).status_code == 403
        assert who.get(api_url(live)).status_code == 403
    response = operator_client.get(url(live))
    assert response.status_code == 200
    assert 'id="provisional"' in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    body = operator_client.get(api_url(live)).json()
    assert (body["final"], body["lots"][0]["status"], body["total"]["lots_offered"]) == (False, "open", 0)


def test_drafts_and_cancelled_sessions_are_not_found(operator: User, owner: Member, client: Client,
                                                     buyer: Member, operator_client: Client) -> None:
    draft = new_session(operator, "尚未公布")
    cancelled = new_session(operator, "已取消")
    add_lot(cancelled, listing_of(owner, operator, "patent"), operator, start="100000", reserve=None)
    setup.session_announce(operator=operator, session_id=cancelled.pk)
    setup.session_cancel(operator=operator, session_id=cancelled.pk, reason="The venue is closed")
    for session in (draft, cancelled):
        for who in (client, buyer.client):
            assert who.get(url(session)).status_code == 404
            assert who.get(url(session, "pdf")).status_code == 404
            response = who.get(api_url(session))
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        assert operator_client.get(url(session)).status_code == 200
    assert client.get("/auctions/99999999999999999999/results/").status_code == 404
    assert client.get("/api/v1/auctions/sessions/99999999999999999999/results").status_code in (400, 404)


def test_an_unknown_format_is_refused(finished: Scene, client: Client) -> None:
    response = client.get(url(finished.session, "docx"))
    assert response.status_code == 400
    assert "csv, xlsx, pdf" in response.content.decode()


def test_a_session_that_sold_nothing_totals_zero_in_cents() -> None:
    # Amounts are said with their cents everywhere, "0.00" too (it read "0").
    assert str(summarise([], currency="CNY").total_hammer) == "0.00"
