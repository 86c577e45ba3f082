"""The expo API's schemas: editions with their halls and zones, events, exhibitors and exhibits,
records (amounts as decimal strings, exact to the fen) and the import's report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from ipx.core.api.types import Day, InputSchema, Moment, OneOf, rule
from ipx.expo.inputs import MAX_RIGHTS_INVOLVED
from ipx.expo.models import Event, Exhibit, IpType, Zone

Name = Annotated[str, Field(min_length=1, max_length=200)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
OptionalSlug = Annotated[str, Field(pattern=r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$", max_length=60)]
LongText = Annotated[str, Field(max_length=3000)]
# A record's cells are read as the import file's columns of the same names (one parser for both).
Cell = Annotated[str, Field(max_length=200, json_schema_extra=rule("Read as the import file's column of this name."))]


class ExpoEditionIn(InputSchema):
    slug: Slug = Field(json_schema_extra=rule("Unique: no other edition has it."))
    name: Name
    start_date: Day
    end_date: Day = Field(json_schema_extra=rule("On or after start_date; no other edition's dates may overlap."))
    organisers: LongText = ""
    venue: Annotated[str, Field(max_length=200)] = ""
    on_site: bool = True
    online: bool = True


class ExpoHallOut(Schema):
    id: int
    slug: str
    name: str
    description: str


class ExpoZoneOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    hall_id: int | None
    description: str


class ExpoExhibitorCountsOut(Schema):
    total: int
    online: int
    mainland: int
    hk_macao_tw: int
    overseas: int
    overseas_countries: int


class ExpoEditionOut(Schema):
    id: int
    slug: str
    name: str
    start_date: date
    end_date: date
    organisers: str
    venue: str
    on_site: bool
    online: bool


class ExpoEditionDetailOut(ExpoEditionOut):
    halls: list[ExpoHallOut]
    zones: list[ExpoZoneOut]
    exhibitors: ExpoExhibitorCountsOut
    exhibits: dict[str, int] = Field(description="Exhibits of rights by IP type.")
    products: ExpoProductCountsOut = Field(description="Exhibited products and the rights they involve.")


class ExpoHallIn(InputSchema):
    name: Name
    slug: OptionalSlug = Field("", json_schema_extra=rule("Made from the name when empty; unique in the edition."))
    description: LongText = ""
    position: Annotated[int, Field(ge=0, le=999)] = 0


class ExpoZoneIn(InputSchema):
    name: Name
    slug: OptionalSlug = Field("", json_schema_extra=rule("Made from the name when empty; unique in the edition."))
    kind: Annotated[str, OneOf(Zone.Kind)]
    hall_id: Annotated[int, Field(ge=1, le=2**53)] | None = None
    description: LongText = ""


class ExpoSigningOut(Schema):
    id: int
    parties: list[str]
    subject: str
    ip_type: str
    amount: str
    currency: str
    fx_rate_to_cny: str


class ExpoEventOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    hall_id: int | None
    stream_url: str
    viewer_count: int | None
    signings: list[ExpoSigningOut]


class ExpoEventIn(InputSchema):
    kind: Annotated[str, OneOf(Event.Kind)]
    title: Name
    description: LongText = ""
    starts_at: Moment
    ends_at: Moment = Field(json_schema_extra=rule("After starts_at; both within the edition's dates."))
    hall_id: Annotated[int, Field(ge=1, le=2**53)] | None = None
    stream_url: Annotated[str, Field(max_length=500)] = Field(
        "", json_schema_extra=rule("Required (http/https) for a live stream."))


class ExpoViewersIn(InputSchema):
    viewers: Annotated[int, Field(ge=0, le=2**31 - 1)]


class ExpoSigningIn(InputSchema):
    parties: Annotated[list[Name], Field(min_length=2, max_length=20)]
    subject: Annotated[str, Field(max_length=200)] = ""
    ip_type: Annotated[str, OneOf(IpType)]
    amount: Annotated[str, Field(pattern=r"^[0-9]{1,13}(\.[0-9]{1,2})?$")]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    fx_rate_to_cny: Annotated[str, Field(pattern=r"^[0-9]{1,6}(\.[0-9]{1,8})?$")] = Field(
        "1", json_schema_extra=rule("Required (more than 0) when the currency is not CNY."))


class ExpoExhibitorIn(InputSchema):
    organisation_id: Annotated[int, Field(ge=1, le=2**53)]
    online: bool = True
    on_site: bool = False
    introduction: LongText = ""


class ExpoExhibitorOut(Schema):
    id: int
    edition_id: int
    organisation_id: int
    organisation_name: str
    hall_id: int | None
    booth: str
    origin: str
    country: str
    online: bool
    on_site: bool


class ExpoBoothIn(InputSchema):
    hall_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(
        None, json_schema_extra=rule("A hall of the exhibitor's edition."))
    booth: Annotated[str, Field(max_length=20)] = ""


RightsInvolved = Annotated[int, Field(ge=0, le=MAX_RIGHTS_INVOLVED, json_schema_extra=rule(
    "A product's only (0 for a right); a product involves at least one patent, trademark or copyright."))]


class ExpoExhibitIn(InputSchema):
    kind: Annotated[str, OneOf(Exhibit.Kind)] = Exhibit.Kind.RIGHT
    ip_type: Annotated[str, OneOf([*IpType.values, ""])] = Field(
        "", json_schema_extra=rule("Required for a right; empty for a product (its rights are counted)."))
    title: Annotated[str, Field(max_length=200)] = Field(
        "", json_schema_extra=rule("Required unless a listing is shown (its title is taken)."))
    zone_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(
        None, json_schema_extra=rule("A zone of the exhibitor's edition."))
    listing_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(
        None, json_schema_extra=rule("One of the exhibitor's own published listings."))
    patents: RightsInvolved = 0
    trademarks: RightsInvolved = 0
    copyrights: RightsInvolved = 0


class ExpoExhibitOut(Schema):
    id: int
    exhibitor_id: int
    zone_id: int | None
    kind: str
    ip_type: str
    title: str
    listing_id: int | None
    patents: int
    trademarks: int
    copyrights: int


class ExpoProductCountsOut(Schema):
    products: int
    patents: int
    trademarks: int
    copyrights: int


class ExpoRecordIn(InputSchema):
    """A record as a row of the import file has it (the same parser reads both)."""

    edition: Slug
    date: Annotated[str, Field(max_length=10, description="YYYY-MM-DD, within the edition's dates",
                               json_schema_extra=rule("A day written YYYY-MM-DD, within the edition's dates."))]
    kind: Cell
    ip_type: Cell = ""
    amount: Cell
    currency: Cell = "CNY"
    fx_rate_to_cny: Cell = ""
    items: Cell = ""
    start_price: Cell = ""
    sold: Cell = ""
    evidence: LongText = ""


class ExpoRecordOut(Schema):
    ref: str
    edition: str
    date: date
    kind: str
    ip_type: str
    amount: str
    currency: str
    fx_rate_to_cny: str
    amount_cny: str
    items: int
    start_price: str | None
    sold: bool | None
    evidence: str


class ExpoRowErrorOut(Schema):
    row: int
    column: str
    message: str


class ExpoImportReportOut(Schema):
    rows: int
    created: int
    updated: int
    refused: int
    errors: list[ExpoRowErrorOut]
    errors_omitted: int
