from django.urls import path

from ipx.listings import views

app_name = "listings"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("<int:listing_id>/", views.detail, name="detail"),
    path("<int:listing_id>/edit/", views.edit, name="edit"),
    path("<int:listing_id>/documents/", views.documents, name="documents"),
    path("<int:listing_id>/documents/<int:document_id>/delete/", views.document_delete, name="document_delete"),
    path("<int:listing_id>/<slug:name>/", views.action, name="action"),
]
