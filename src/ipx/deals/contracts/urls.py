from django.urls import path

from ipx.deals.contracts import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("<id:deal_id>/", views.detail, name="detail"),
    path("<id:deal_id>/contract.pdf", views.contract, name="contract"),
    path("<id:deal_id>/sign/", views.sign, name="sign"),
    path("<id:deal_id>/conclude/", views.conclude, name="conclude"),
    path("<id:deal_id>/milestones/<int:position>/fund/", views.fund, name="fund"),
    path("<id:deal_id>/milestones/<int:position>/release/", views.release, name="release"),
    path("<id:deal_id>/recordal/", views.recordal, name="recordal"),
    path("<id:deal_id>/recordal/check/", views.check_recordal, name="check_recordal"),
    path("<id:deal_id>/cancel/", views.cancel, name="cancel"),
    path("<id:deal_id>/cancellation/request/", views.request_cancellation, name="request_cancellation"),
    path("<id:deal_id>/cancellation/decide/", views.decide_cancellation, name="decide_cancellation"),
]
