from django.urls import path

from ipx.auctions.results import views

app_name = "auction_results"

urlpatterns = [
    path("<id:session_id>/results/", views.results, name="session"),
]
