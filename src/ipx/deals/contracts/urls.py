from django.urls import path

from ipx.deals.contracts import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("<int:deal_id>/", views.detail, name="detail"),
    path("<int:deal_id>/contract.pdf", views.contract, name="contract"),
    path("<int:deal_id>/sign/", views.sign, name="sign"),
    path("<int:deal_id>/conclude/", views.conclude, name="conclude"),
    path("<int:deal_id>/milestones/<int:position>/fund/", views.fund, name="fund"),
    path("<int:deal_id>/milestones/<int:position>/release/", views.release, name="release"),
    path("<int:deal_id>/recordal/", views.recordal, name="recordal"),
    path("<int:deal_id>/recordal/check/", views.check_recordal, name="check_recordal"),
    path("<int:deal_id>/cancel/", views.cancel, name="cancel"),
    path("<int:deal_id>/cancellation/request/", views.request_cancellation, name="request_cancellation"),
    path("<int:deal_id>/cancellation/decide/", views.decide_cancellation, name="decide_cancellation"),
]
