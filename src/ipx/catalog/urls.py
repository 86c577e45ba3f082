from django.urls import path

from ipx.catalog import views

app_name = "catalog"

urlpatterns = [
    path("assets/<int:asset_id>/", views.asset, name="asset"),
    path("ipc/", views.ipc, name="ipc"),
    path("ipc/<path:code>/", views.ipc, name="ipc_entry"),
    path("nice/", views.nice, name="nice"),
]
