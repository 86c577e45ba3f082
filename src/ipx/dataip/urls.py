from django.urls import path

from ipx.dataip import views, views_products, views_publicity, views_review

app_name = "dataip"

REGISTRANT_STEPS = ("submit", "withdraw", "renew", "cancel")

urlpatterns = [
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:number>/", views.verify_number, name="verify"),
    path("certificates/<str:number>.pdf", views.certificate_download, name="certificate_pdf"),
    path("certificates/<str:number>.json", views.certificate_json, name="certificate_json"),
    path("products/", views_products.product_list, name="products"),
    path("products/new/", views_products.product_new, name="product_new"),
    path("products/<id:product_id>/", views_products.product_detail, name="product"),
    path("products/<id:product_id>/edit/", views_products.product_edit, name="product_edit"),
    path("products/<id:product_id>/change/", views_products.change_request, name="change_request"),
    *(path(f"products/<id:product_id>/{action}/", views_products.registrant_step, {"action": action},
           name=f"product_{action}") for action in REGISTRANT_STEPS),
    *(path(f"products/<id:product_id>/review/{action}/", views_review.review_step, {"action": action},
           name=f"review_{action}") for action in views_review.REVIEW_STEPS),
    path("review/", views_review.queues, name="queues"),
    path("objections/<id:objection_id>/decide/", views_review.objection_decide, name="objection_decide"),
    path("evidence/<id:evidence_id>/", views_publicity.evidence_download, name="evidence"),
    path("publicity/", views_publicity.publicity_list, name="publicity"),
    path("publicity/<id:product_id>/", views_publicity.publicity_detail, name="publicity_detail"),
]
