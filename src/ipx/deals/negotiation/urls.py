from django.urls import path

from ipx.deals.negotiation import views

app_name = "negotiation"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/messages/", views.thread_messages, name="messages"),
    path("<int:thread_id>/agents/", views.agent_add, name="agent_add"),
    path("<int:thread_id>/agents/<int:organisation_id>/remove/", views.agent_remove, name="agent_remove"),
    path("<int:thread_id>/close/", views.thread_close, name="close"),
    path("<int:thread_id>/offers/new/", views.offer_new, name="offer_new"),
    path("offers/<int:offer_id>/counter/", views.offer_counter, name="offer_counter"),
    path("offers/<int:offer_id>/<slug:action>/", views.offer_action, name="offer_action"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("listings/<int:listing_id>/", views.listing_panel, name="listing_panel"),
    path("listings/<int:listing_id>/inquire/", views.inquire, name="inquire"),
]
