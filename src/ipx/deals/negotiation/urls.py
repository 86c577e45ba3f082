from django.urls import path

from ipx.deals.negotiation import views

app_name = "negotiation"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("<id:thread_id>/", views.thread_detail, name="thread"),
    path("<id:thread_id>/messages/", views.thread_messages, name="messages"),
    path("<id:thread_id>/agents/", views.agent_add, name="agent_add"),
    path("<id:thread_id>/agents/<id:organisation_id>/remove/", views.agent_remove, name="agent_remove"),
    path("<id:thread_id>/close/", views.thread_close, name="close"),
    path("<id:thread_id>/offers/new/", views.offer_new, name="offer_new"),
    path("offers/<id:offer_id>/counter/", views.offer_counter, name="offer_counter"),
    path("offers/<id:offer_id>/<slug:action>/", views.offer_action, name="offer_action"),
    path("attachments/<id:attachment_id>/", views.attachment_download, name="attachment"),
    path("listings/<id:listing_id>/", views.listing_panel, name="listing_panel"),
    path("listings/<id:listing_id>/inquire/", views.inquire, name="inquire"),
]
