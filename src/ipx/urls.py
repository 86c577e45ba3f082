from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from ipx.api.api import api
from ipx.api.routes import grouped_by_first_segment
from ipx.dataip import views as dataip_views

admin.site.site_header = _("IPX back-office")
admin.site.site_title = _("IPX back-office")
admin.site.index_title = _("Operations")
# The back-office home links to the health panel (ipx.health).
admin.site.index_template = "admin/health/index.html"

urlpatterns: list[URLPattern | URLResolver] = [
    # /healthz, /readyz and /admin/health/ (before the back-office's catch-all).
    path("", include("ipx.health.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", grouped_by_first_segment(api.urls)),
    path("accounts/", include("ipx.accounts.urls")),
    path("catalog/", include("ipx.catalog.urls")),
    path("listings/", include("ipx.listings.urls")),
    path("search/", include("ipx.search.urls")),
    # A listing's documents and its NDA keep the addresses they had under negotiation.
    path("negotiations/", include("ipx.listings.document_urls")),
    path("negotiations/", include("ipx.deals.negotiation.urls")),
    path("deals/", include("ipx.deals.contracts.urls")),
    path("ledger/", include("ipx.ledger.urls")),
    path("notifications/", include("ipx.notifications.urls")),
    path("live/", include("ipx.live.urls")),
    path("demands/", include("ipx.matching.urls")),
    path("saved-searches/", include("ipx.matching.saved_searches.urls")),
    path("auctions/", include("ipx.auctions.results.urls")),
    path("auctions/", include("ipx.auctions.urls")),
    path("finance/insurance/", include("ipx.finance.insurance.urls")),
    path("finance/securitisation/", include("ipx.finance.securitisation.urls")),
    path("finance/", include("ipx.finance.urls")),
    path("dataip/", include("ipx.dataip.urls")),
    path("reports/", include("ipx.reports.urls")),
    path("expo/", include("ipx.expo.urls")),
    path(".well-known/ipx-dataip-key.pem", dataip_views.public_key, name="dataip_public_key"),
    path("", include("ipx.web.urls")),
]

if settings.DEBUG:
    # Public media only (trademark images), and only in development: no address serves the
    # private root (IPX_PRIVATE_ROOT). Only the trademark folder, so private files left in an
    # old media directory from before the split are not served either.
    urlpatterns.append(path("media/trademarks/<path:path>", serve,
                            {"document_root": Path(settings.MEDIA_ROOT) / "trademarks"}))
