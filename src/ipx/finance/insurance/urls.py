from django.urls import path

from ipx.finance.insurance import views

app_name = "insurance"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<id:product_id>/", views.product_detail, name="product"),
    path("products/<id:product_id>/edit/", views.product_edit, name="product_edit"),
    path("policies/<id:policy_id>/", views.policy_detail, name="policy"),
    *(path(f"policies/<id:policy_id>/{action}/", views.policy_step, {"action": action}, name=f"policy_{action}")
      for action in ("pay", "cancel", "decline")),
    path("policies/<id:policy_id>/claim/", views.claim_new, name="claim_new"),
    path("claims/<id:claim_id>/", views.claim_detail, name="claim"),
    *(path(f"claims/<id:claim_id>/{action}/", views.claim_step, {"action": action}, name=f"claim_{action}")
      for action in ("approve", "reject", "pay")),
    path("evidence/<id:evidence_id>/", views.evidence_download, name="evidence"),
]
