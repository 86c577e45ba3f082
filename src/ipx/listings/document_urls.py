"""Reading a listing's documents and accepting its non-disclosure terms: pages of the
listings module that keep the addresses they had when negotiation served them (mounted
under ``negotiations/``)."""

from django.urls import path

from ipx.listings import views

app_name = "listing_documents"

urlpatterns = [
    path("listings/<id:listing_id>/nda/", views.nda_accept, name="nda_accept"),
    path("documents/<id:document_id>/", views.document_download, name="download"),
]
