"""The statistics bulletin in the API: public, as the organisers publish it. JSON by default
(the issue's keys: amounts in CNY as decimal strings to the fen, rates as fractions to four
places, counts as integers, ``yoy`` the growth of every amount); ``format`` asks for the CSV,
XLSX, PDF or HTML file instead, in ``lang``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import BaseModel, ConfigDict, Field

from ipx.accounts.api_auth import optional_auth
from ipx.core.api.schemas import ERRORS
from ipx.core.api.types import rule
from ipx.reports import exports
from ipx.reports.compute import edition_bulletin, range_bulletin
from ipx.reports.figures import Bulletin, bulletin_json
from ipx.reports.views import days_asked

router = Router(tags=["reports"])

AMOUNT = "An amount in CNY, a decimal string exact to the fen."
RATE = "A fraction as a decimal string rounded half-up to four places (\"0.3000\"); null when undefined."


class BulletinTransactionsOut(Schema):
    total_amount: str = Field(description=AMOUNT + " Every concluded IP transaction, of any IP type.")
    patent_trademark_amount: str = Field(description=AMOUNT)
    copyright_amount: str = Field(description=AMOUNT)
    copyright_items: int = Field(description="Works of copyright the transactions involve.")
    data_amount: str = Field(description=AMOUNT)


class BulletinGiSalesOut(Schema):
    amount: str = Field(description=AMOUNT)
    items: int = Field(description="GI products sold.")


class BulletinIntendedOut(Schema):
    amount: str = Field(description=AMOUNT)


class BulletinAuctionTypeOut(Schema):
    lots_sold: int
    amount: str = Field(description=AMOUNT)
    max_premium_rate: str | None = Field(description=RATE + " (hammer − start) / start in the lot's currency.")


class BulletinAuctionsOut(Schema):
    amount: str = Field(description=AMOUNT + " Hammer prices of the lots sold.")
    lots_offered: int = Field(description="Lots sold or unsold.")
    lots_sold: int
    success_rate: str | None = Field(description=RATE)
    by_type: dict[str, BulletinAuctionTypeOut] = Field(description="By IP type (a package counts under each).")


class BulletinPledgeOut(Schema):
    amount: str = Field(description=AMOUNT)
    count: int


class BulletinExhibitorsOut(Schema):
    online: int
    overseas: int
    overseas_countries: int
    hk_macao_tw: int
    previous: int | None = Field(description="The previous edition's exhibitors, online or on site; null for a "
                                             "span of days or a first edition.")


class BulletinProductRightsOut(Schema):
    patent: int
    trademark: int
    copyright: int


class BulletinExhibitsOut(BaseModel):  # a plain model: ninja's Schema reads only the fields it names
    """Rights shown by IP type (types with none absent), and the products beside them."""

    # The IP types' counts are the other keys; the document says they are integers.
    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": {"type": "integer"}})

    total: int = Field(description="Rights and products shown.")
    products: int = Field(description="Products embodying IP shown.")
    product_rights: BulletinProductRightsOut = Field(description="The rights the products involve, by IP type.")


class BulletinOut(Schema):
    edition: str | None = Field(description="The edition's short name; null for a span of days.")
    since: str = Field(description="The first day counted.")
    until: str = Field(description="The last day counted.")
    previous_edition: str | None = Field(description="The edition compared with, if any.")
    transactions: BulletinTransactionsOut
    gi_sales: BulletinGiSalesOut
    intended: BulletinIntendedOut
    auctions: BulletinAuctionsOut
    pledge: BulletinPledgeOut
    exhibitors: BulletinExhibitorsOut
    exhibits: BulletinExhibitsOut
    yoy: dict[str, Any] = Field(description="(this − previous) / previous of every amount, under the amount's own "
                                            "keys, as " + RATE + " Absent without a previous amount above zero.")


def _answer(bulletin: Bulletin, file_format: str, lang: str) -> dict[str, Any] | HttpResponse:
    exports.check_language(lang)
    if exports.check_format(file_format) == "json":
        return bulletin_json(bulletin)
    made = exports.export(bulletin, file_format, lang)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


FORMAT = Query("json", description="json (default), csv, xlsx, pdf or html.")
LANG = Query("en", description="The language of the xlsx, pdf and html files: en, zh-hans or zh-hant.")


class BulletinSpanQuery(Schema):
    since: str = Field(description="The first day, YYYY-MM-DD.",
                       json_schema_extra=rule("A day written YYYY-MM-DD, from 1900-01-01 to 2199-12-31."))
    until: str = Field(description="The last day counted, YYYY-MM-DD.",
                       json_schema_extra=rule("A day written YYYY-MM-DD, on or after since, at most ten years "
                                              "after it, and no later than 2199-12-31."))


@router.get("/reports/bulletins/{slug}", response={200: BulletinOut, **ERRORS}, auth=optional_auth,
            summary="The statistics bulletin of an expo edition, compared with the edition before it")
def edition(request: HttpRequest, slug: str, format: str = FORMAT, lang: str = LANG) -> Any:
    return _answer(edition_bulletin(slug), format, lang)


@router.get("/reports/bulletin", response={200: BulletinOut, **ERRORS}, auth=optional_auth,
            summary="The statistics bulletin of a span of days, compared with the same days a year earlier")
def span(request: HttpRequest, days: Query[BulletinSpanQuery], format: str = FORMAT, lang: str = LANG) -> Any:
    first, end = days_asked(days.since, days.until)
    return _answer(range_bulletin(first, end), format, lang)
