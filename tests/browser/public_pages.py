"""The public pages the browser audits visit, as data, and the scene they are drawn from.

The scene is the access-and-rights world (every page has a real object to show) plus rows of
bad input: a title of 200 Chinese characters without a space, an organisation whose name is
one long word, and a title in right-to-left script; and home's securitisations before issue.
Pages of later work join ``PUBLIC_PAGES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ipx.listings.models import Listing, ListingAsset
from ipx.search.rebuild import rebuild_full
from ipx.testing.access_world import AccessWorld, build_access_world
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import person, published_listing

from .offered_products import OfferedProducts, build_offered_products

LANGUAGES = ("zh-hans", "zh-hant", "en")

LONG_CJK_TITLE = ("高安全性锂电池隔膜及其制备方法和应用" * 11)[:200]
LONG_ORGANISATION = "广东粤港澳大湾区" + "Internationalintellectualpropertytechnologytransfercorporation" * 2
RTL_TITLE = "براءة اختراع فاصل بطارية الليثيوم — פטנט מפריד סוללת ליתיום"


@dataclass(frozen=True)
class Scene:
    world: AccessWorld
    seller: str  # the e-mail of home's administrator, who signs in to print
    long_title: Listing  # 200 CJK characters, no space, offered by the long-named organisation
    rtl_title: Listing
    before_issue: OfferedProducts  # home's securitisations before issue (``offered_products``)

    def asset_id(self, listing: Listing) -> int:
        asset_id: int = ListingAsset.objects.filter(listing=listing).values_list("asset_id", flat=True)[0]
        return asset_id


def build_scene() -> Scene:
    world = build_access_world()
    long_named = OrganisationFactory.create(name=LONG_ORGANISATION)
    seller = person("long@scene.example", "Lorenzo Longname", long_named)
    long_title = published_listing(long_named, seller, world.operator, title=LONG_CJK_TITLE)
    rtl_title = published_listing(long_named, seller, world.operator, title=RTL_TITLE)
    before_issue = build_offered_products(world)
    rebuild_full()
    admin = world.user("admin")
    assert admin is not None
    return Scene(world, admin.email, long_title, rtl_title, before_issue)


@dataclass(frozen=True)
class ScenePage:
    name: str
    path: Callable[[Scene], str]


PUBLIC_PAGES = [
    ScenePage("home", lambda s: "/"),
    ScenePage("search", lambda s: "/search/?q=锂电池"),
    ScenePage("listing", lambda s: f"/listings/{s.world.published.pk}/"),
    ScenePage("asset", lambda s: f"/catalog/assets/{s.asset_id(s.world.published)}/"),
    ScenePage("booth", lambda s: f"/booths/{s.world.home.pk}/"),
    ScenePage("demand board", lambda s: "/demands/"),
    ScenePage("demand", lambda s: f"/demands/{s.world.demand.pk}/"),
    ScenePage("classifications", lambda s: "/catalog/ipc/"),
    ScenePage("login", lambda s: "/accounts/login/"),
    ScenePage("register", lambda s: "/accounts/register/"),
    ScenePage("password reset", lambda s: "/accounts/password/reset/"),
    ScenePage("auctions", lambda s: "/auctions/"),
    ScenePage("live auction session", lambda s: f"/auctions/{s.world.auctions.live.pk}/"),
    ScenePage("auction lot", lambda s: f"/auctions/lots/{s.world.auctions.open_lot.pk}/"),
    ScenePage("sold auction lot", lambda s: f"/auctions/lots/{s.world.auctions.sold_lot.pk}/"),
    ScenePage("auction results", lambda s: f"/auctions/{s.world.auctions.finished.pk}/results/"),
    ScenePage("dataip publicity", lambda s: "/dataip/publicity/"),
    ScenePage("dataip application in publicity", lambda s: f"/dataip/publicity/{s.world.dataip.publicity.pk}/"),
    ScenePage("dataip verification", lambda s: f"/dataip/verify/{s.world.dataip.certificate.number}/"),
    ScenePage("statistics bulletin", lambda s: f"/reports/bulletin/{s.world.reports.edition.slug}/"),
    ScenePage("expo editions", lambda s: "/expo/"),
    ScenePage("expo edition", lambda s: s.world.expo.past.get_absolute_url()),
    ScenePage("expo edition open for registration", lambda s: s.world.expo.next.get_absolute_url()),
    ScenePage("expo hall", lambda s: s.world.expo.hall.get_absolute_url()),
    ScenePage("expo zone", lambda s: s.world.expo.zone.get_absolute_url()),
    ScenePage("expo schedule", lambda s: f"/expo/{s.world.expo.past.slug}/schedule/"),
    ScenePage("expo booth", lambda s: s.world.expo.exhibitor.get_absolute_url()),
]

# The bad input on the pages that show it: search results, the listing, the booth.
BAD_INPUT_PAGES = [
    ScenePage("search for the long title", lambda s: "/search/?q=高安全性锂电池隔膜"),
    ScenePage("search for the right-to-left title", lambda s: "/search/?q=ליתיום"),
    ScenePage("listing with the long title", lambda s: f"/listings/{s.long_title.pk}/"),
    ScenePage("listing with the right-to-left title", lambda s: f"/listings/{s.rtl_title.pk}/"),
    ScenePage("booth of the long-named organisation", lambda s: f"/booths/{s.long_title.organisation_id}/"),
]

# Pages parties print for their files, seen by home's administrator (the seller of the deal).
PRINTED_PAGES = [
    ScenePage("deal", lambda s: f"/deals/{s.world.sold.pk}/"),
    ScenePage("statement", lambda s: f"/ledger/{s.world.home.pk}/"),
]
