"""An auction session's results in the API: public once the session has finished, to
operators while it runs (the same rules as the results page)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ipx.accounts.api_auth import optional_auth
from ipx.auctions.results.selectors import SessionResults, session_results
from ipx.core.api.schemas import ERRORS, Id

router = Router(tags=["auctions"])


class LotResultOut(Schema):
    lot_id: int
    number: int
    title: str
    offer_kind: str
    ip_types: list[str] = Field(description="The IP types of the listing's assets (patent, trademark, …).")
    status: str = Field(description="sold, unsold or withdrawn (scheduled, open or paused while the session runs).")
    starting_price: Decimal
    hammer_price: Decimal | None = Field(description="The price the lot sold at; null unless sold.")
    premium_rate: Decimal | None = Field(description="(hammer − start) / start, to four decimal places.")
    bids: int = Field(description="Accepted bids, a proxy's automatic bids included.")
    bidders: int = Field(description="Distinct bidders among them.")
    winner_number: int | None = Field(description="The winner's bidder number (never its organisation).")
    closed_at: datetime | None


class SummaryOut(Schema):
    ip_type: str = Field(description="The IP type; empty for the session's own row (every lot once).")
    lots_offered: int = Field(description="Lots that closed, sold or unsold (withdrawn lots are not offered).")
    lots_sold: int
    lots_withdrawn: int
    success_rate: Decimal | None = Field(description="lots sold / lots offered, to four decimal places.")
    total_hammer: Decimal
    highest_premium_rate: Decimal | None


class SessionResultsOut(Schema):
    session_id: int
    title: str
    status: str
    final: bool = Field(description="False while the session runs: the figures are provisional.")
    currency: str
    starts_at: datetime
    lots: list[LotResultOut]
    by_ip_type: list[SummaryOut] = Field(description="A package of several IP types counts under each of them.")
    total: SummaryOut

    @staticmethod
    def resolve_final(obj: SessionResults) -> bool:
        return obj.is_final


@router.get("/auctions/sessions/{session_id}/results", response={200: SessionResultsOut, **ERRORS},
            auth=optional_auth, summary="An auction session's results: every lot, and the figures per IP type",
            description="Public once the session has finished; while it runs, operators only (403). A session "
                        "being prepared or cancelled is not found (404).")
def results(request: HttpRequest, session_id: Id) -> SessionResults:
    return session_results(getattr(request, "user", None), session_id)
