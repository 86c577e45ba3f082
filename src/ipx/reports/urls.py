from django.urls import path

from ipx.reports import views

app_name = "reports"

urlpatterns = [
    path("bulletin/", views.span, name="span"),
    path("bulletin/<slug:slug>/", views.edition, name="edition"),
]
