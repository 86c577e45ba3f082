from django.urls import path

from ipx.live import views

app_name = "live"

urlpatterns = [
    path("<str:name>/", views.stream, name="stream"),
]
