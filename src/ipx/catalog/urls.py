from django.urls import path

from ipx.catalog import views
from ipx.catalog.importing import views as import_views

app_name = "catalog"

urlpatterns = [
    path("assets/", views.assets, name="assets"),
    path("assets/new/", views.asset_new, name="asset_new"),
    path("assets/<id:asset_id>/", views.asset, name="asset"),
    path("assets/<id:asset_id>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<id:asset_id>/delete/", views.asset_delete, name="asset_delete"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/template.<slug:fmt>", import_views.import_template, name="import_template"),
    path("imports/<id:job_id>/", import_views.import_job, name="import_job"),
    path("ipc/", views.ipc, name="ipc"),
    path("ipc/<path:code>/", views.ipc, name="ipc_entry"),
    path("nice/", views.nice, name="nice"),
]
