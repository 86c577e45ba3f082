from django.urls import path

from ipx.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("stats/", views.live_counts, name="live_counts"),
    path("language/<str:code>/", views.language, name="language"),
    path("my/", views.my_organisation, name="my_organisation"),
    path("booths/<id:organisation_id>/", views.booth, name="booth"),
]
