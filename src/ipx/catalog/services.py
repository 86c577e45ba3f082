"""Writes for the catalog: register and edit IP assets (``AssetInput``s checked by
``cleaning``), and the changes deals bring to them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.catalog.cleaning import parse_asset_change
from ipx.catalog.commitments import refuse_held_changes
from ipx.catalog.inputs import AssetInput, AssetValues
from ipx.catalog.models import Asset, AssetLicence, AssetOwner
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.events import publish


def _owner_rows(asset: Asset, names: tuple[str, ...], holder: Organisation) -> list[AssetOwner]:
    names = names or (holder.name,)
    return [AssetOwner(asset=asset, name=name, position=index,
                       organisation=holder if name == holder.name else None)
            for index, name in enumerate(names)]


def create_asset(holder: Organisation, new: AssetInput) -> Asset:
    """Write a checked asset; callers have checked access."""
    return create_assets(holder, [new])[0]


def create_assets(holder: Organisation, new: Sequence[AssetInput]) -> list[Asset]:
    """Write checked assets, a few statements for any number of them (an import's chunk),
    and one ``asset.changed`` naming them all (its handlers then work once a chunk)."""
    if not new:
        return []
    assets = Asset.objects.bulk_create(
        [Asset(ip_type=item.ip_type, holder=holder, **item.asset_columns()) for item in new])
    details: dict[type[Model], list[Model]] = {}
    for asset, item in zip(assets, new, strict=True):
        details.setdefault(item.detail.model, []).append(item.detail.model(asset=asset, **item.detail_columns()))
    for model, rows in details.items():
        model._default_manager.bulk_create(rows)
    AssetOwner.objects.bulk_create(
        [owner for asset, item in zip(assets, new, strict=True) for owner in _owner_rows(asset, item.owners, holder)])
    publish("asset.changed", asset_ids=[asset.pk for asset in assets])
    return assets


def update_asset(asset: Asset, new: AssetInput) -> Asset:
    """Write the checked new state of ``asset`` (of the same IP type)."""
    return update_assets([(asset, new)])[0]


def update_assets(changes: Sequence[tuple[Asset, AssetInput]]) -> list[Asset]:
    """Write the checked new states of assets (each of its own IP type), a few statements
    for any number of them, and one ``asset.changed`` naming them all."""
    if not changes:
        return []
    now = timezone.now()
    asset_rows: list[tuple[object, dict[str, object]]] = []
    details: dict[type[Model], list[tuple[object, dict[str, object]]]] = {}
    for asset, new in changes:
        columns = new.asset_columns() | {"updated_at": now}
        for name, value in columns.items():
            setattr(asset, name, value)
        asset_rows.append((asset.pk, columns))
        details.setdefault(new.detail.model, []).append((asset.pk, new.detail_columns()))
    _set_columns(Asset, asset_rows)
    for model, rows in details.items():
        _set_columns(model, rows)
    assets = [asset for asset, _new in changes]
    AssetOwner.objects.filter(asset__in=assets).delete()
    AssetOwner.objects.bulk_create(
        [owner for asset, new in changes for owner in _owner_rows(asset, new.owners, asset.holder)])
    publish("asset.changed", asset_ids=[asset.pk for asset in assets])
    return assets


def _set_columns(model: type[Model], rows: Sequence[tuple[object, dict[str, object]]]) -> None:
    """Set each row's columns (the same names in every row) by its primary key.

    One UPDATE statement run for every row: Django's ``bulk_update`` builds a CASE per column
    and row, which costs more than the rows' own UPDATEs."""
    concrete = {field.name: field for field in model._meta.concrete_fields}
    fields = [concrete[name] for name in rows[0][1]]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    key = quote(model._meta.pk.column)
    statement = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {key} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(statement, [
            [field.get_db_prep_save(values[field.name], connection) for field in fields] + [pk]
            for pk, values in rows
        ])


@transaction.atomic
def asset_register(*, organisation_id: int, actor: User, asset: AssetInput) -> Asset:
    """Register an IP asset of any type for an organisation the actor belongs to."""
    holder = access_organisation(actor, organisation_id)
    return create_asset(holder, asset)


def _locked_asset_for_editor(actor: User, asset_id: int) -> Asset:
    try:
        asset = Asset.objects.select_for_update().select_related("holder").get(pk=asset_id)
    except Asset.DoesNotExist:
        raise NotFound(_("No such asset.")) from None
    access_organisation(actor, asset.holder_id)
    return asset


@transaction.atomic
def asset_update(*, asset_id: int, actor: User, changes: AssetValues) -> Asset:
    """Change an asset's details; fields the changes leave out keep their values. The asset
    as it would be is checked as a whole (``parse_asset_change``), under the row's lock.
    While a pledge, listing, auction, offer or deal holds the asset, only its descriptive
    fields may change (``commitments``): a Conflict names the commitment otherwise."""
    asset = _locked_asset_for_editor(actor, asset_id)
    new = parse_asset_change(asset, changes)
    refuse_held_changes(asset, new)
    return update_asset(asset, new)


@transaction.atomic
def asset_delete(*, asset_id: int, actor: User) -> None:
    asset = _locked_asset_for_editor(actor, asset_id)
    try:
        with transaction.atomic():
            asset.delete()
    except ProtectedError:
        # Listings protect the assets they offer; the catalog need not know about them.
        raise Conflict(_("This asset is part of a listing; withdraw or edit the listing first.")) from None


def assets_of(organisation: Organisation, ids: Iterable[int]) -> list[Asset]:
    """The given assets, all held by ``organisation``; refuses any that are not."""
    wanted = sorted(set(ids))
    found = list(Asset.objects.filter(pk__in=wanted).select_related("holder"))
    if len(found) != len(wanted):
        raise ValidationFailed.for_field("asset_ids", _("Some of these assets do not exist."))
    if any(asset.holder_id != organisation.pk for asset in found):
        raise PermissionDenied(_("Only assets held by %(name)s can be listed by it.") % {"name": organisation.name})
    return found


# --- Changes that deals bring ---------------------------------------------------------------

@transaction.atomic
def asset_transfer_ownership(*, asset_id: int, to_organisation: Organisation, from_organisation: Organisation,
                             recordal_number: str) -> Asset:
    """After a recorded assignment: the buyer holds the asset and replaces the seller as owner."""
    asset = Asset.objects.select_for_update().get(pk=asset_id)
    if asset.holder_id != from_organisation.pk:
        raise Conflict(_("%(asset)s is no longer held by %(seller)s.") % {"asset": asset.title,
                                                                         "seller": from_organisation.name})
    asset.holder = to_organisation
    asset.save(update_fields=["holder", "updated_at"])
    owners = list(asset.owners.all())
    seller_rows = [owner for owner in owners if owner.organisation_id == from_organisation.pk
                   or owner.name == from_organisation.name]
    if seller_rows:
        for owner in seller_rows:
            owner.organisation = to_organisation
            owner.name = to_organisation.name
        AssetOwner.objects.bulk_update(seller_rows, ["organisation", "name"])
    else:
        AssetOwner.objects.create(asset=asset, organisation=to_organisation, name=to_organisation.name,
                                  position=len(owners))
    publish("asset.changed", asset_ids=[asset.pk])
    return asset


@transaction.atomic
def asset_licence_record(*, asset_id: int, licensor: Organisation, licensee: Organisation, exclusivity: str,
                         territory: str, field_of_use: str, starts_on: date, ends_on: date | None,
                         recordal_number: str, source: str) -> AssetLicence:
    licence = AssetLicence.objects.create(
        asset_id=asset_id, licensor=licensor, licensee=licensee, exclusivity=exclusivity, territory=territory,
        field_of_use=field_of_use, starts_on=starts_on, ends_on=ends_on, recordal_number=recordal_number,
        source=source)
    publish("asset.changed", asset_ids=[asset_id])
    return licence
