"""factory_boy factories. They write rows directly (fast); tests of a workflow drive the
services instead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from stdnum.cn import uscc as uscc_number

from ipx.accounts.models import Membership, Organisation, User
from ipx.catalog.identifiers import patent_check_character
from ipx.catalog.models import Asset, AssetOwner, Patent, Trademark
from ipx.listings.models import Listing, ListingAsset

# Argon2 is deliberately slow; factories store this precomputed hash of "correct horse 42".
PASSWORD = "correct horse 42"  # noqa: S105 - the test users' password


def valid_uscc(n: int) -> str:
    body = f"91440300MA5F{n:05d}"
    return body + uscc_number.calc_check_digit(body)


def valid_application_number(n: int, *, year: int = 2021, kind_digit: str = "1") -> str:
    digits = f"{year}{kind_digit}{n:07d}"
    return f"{digits}.{patent_check_character(digits)}"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"深圳测试科技有限公司{n}")
    kind = Organisation.Kind.ENTERPRISE
    region_kind = "mainland"
    province = "44"
    city = "深圳"
    uscc = factory.Sequence(valid_uscc)
    status = Organisation.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ADMIN


class AssetFactory(factory.django.DjangoModelFactory[Asset]):
    class Meta:
        model = Asset

    ip_type = Asset.Type.PATENT
    holder = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"一种锂电池隔膜及其制备方法 {n}")
    abstract = "本发明公开了一种锂电池隔膜，提高了电池的安全性。"
    legal_status = Asset.LegalStatus.IN_FORCE


class PatentFactory(factory.django.DjangoModelFactory[Patent]):
    class Meta:
        model = Patent
        skip_postgeneration_save = True

    asset = factory.SubFactory(AssetFactory)
    kind = Patent.Kind.INVENTION
    application_number = factory.Sequence(lambda n: valid_application_number(n + 1))
    publication_number = factory.Sequence(lambda n: f"CN{113000000 + n}A")
    filing_date = date(2021, 3, 1)
    ipc_main = "H01M"
    ipc_codes = factory.LazyFunction(lambda: ["H01M", "H01M50/40"])

    @factory.post_generation
    def owners(obj: Patent, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            AssetOwner.objects.create(asset=obj.asset, organisation=obj.asset.holder, name=obj.asset.holder.name)


class TrademarkFactory(factory.django.DjangoModelFactory[Trademark]):
    class Meta:
        model = Trademark

    asset = factory.SubFactory(AssetFactory, ip_type=Asset.Type.TRADEMARK, title="湾区好茶")
    registration_number = factory.Sequence(lambda n: str(30000000 + n))
    nice_classes = factory.LazyFunction(lambda: [30, 35])
    registration_date = date(2019, 5, 14)


class ListingFactory(factory.django.DjangoModelFactory[Listing]):
    class Meta:
        model = Listing

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"锂电池隔膜专利转让 {n}")
    description = "高安全性锂电池隔膜技术，适用于电动汽车。"
    offer_kinds = factory.LazyFunction(lambda: ["transfer"])
    price_type = "fixed"
    price_amount = Decimal("500000.00")
    currency = "CNY"
    status = Listing.Status.DRAFT
    created_by = factory.SubFactory(UserFactory)


def listing_with_patent(organisation: Organisation, user: User, **listing_fields: object) -> Listing:
    """A draft listing offering one new patent held by ``organisation``."""
    patent = PatentFactory.create(asset__holder=organisation)
    listing = ListingFactory.create(organisation=organisation, created_by=user, **listing_fields)
    ListingAsset.objects.create(listing=listing, asset=patent.asset)
    return listing
