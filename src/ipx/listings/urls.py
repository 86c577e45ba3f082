from django.urls import path

from ipx.listings import views

app_name = "listings"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("<id:listing_id>/", views.detail, name="detail"),
    path("<id:listing_id>/edit/", views.edit, name="edit"),
    path("<id:listing_id>/documents/", views.documents, name="documents"),
    path("<id:listing_id>/documents/<id:document_id>/delete/", views.document_delete, name="document_delete"),
    path("<id:listing_id>/<slug:name>/", views.action, name="action"),
]
