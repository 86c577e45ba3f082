from django.urls import path

from ipx.search import views

app_name = "search"

urlpatterns = [
    path("", views.listings, name="listings"),
]
