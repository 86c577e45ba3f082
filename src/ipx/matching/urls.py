from django.urls import path

from ipx.matching.demands import views
from ipx.matching.matches import views as match_views

app_name = "matching"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<id:demand_id>/", views.detail, name="detail"),
    path("<id:demand_id>/edit/", views.edit, name="edit"),
    path("<id:demand_id>/close/", views.close, name="close"),
    # Before the workflow actions below, whose <slug:name> would take "matches" too.
    path("<id:demand_id>/matches/", match_views.demand_matches, name="demand_matches"),
    path("<id:demand_id>/matches/refresh/", match_views.refresh, name="matches_refresh"),
    path("for-listing/<id:listing_id>/", match_views.listing_matches, name="listing_matches"),
    path("<id:demand_id>/<slug:name>/", views.action, name="action"),
]
