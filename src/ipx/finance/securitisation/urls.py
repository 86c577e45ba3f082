from django.urls import path

from ipx.finance.securitisation import (
    views,
    views_projection,
    views_receivables,
    views_servicing,
    views_structure,
)

app_name = "securitisation"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.product_new, name="product_new"),
    path("receivables/new/", views_receivables.receivable_new, name="receivable_new"),
    path("receivables/<id:receivable_id>/", views_receivables.receivable_detail, name="receivable"),
    path("receivables/<id:receivable_id>/mark/", views_receivables.receivable_mark, name="receivable_mark"),
    path("receivables/<id:receivable_id>/contract/", views_receivables.receivable_contract,
         name="receivable_contract"),
    path("<id:product_id>/", views.product_detail, name="product"),
    path("<id:product_id>/subscribe/", views.product_subscribe, name="product_subscribe"),
    *(path(f"<id:product_id>/{action}/", views.product_step, {"action": action}, name=f"product_{action}")
      for action in ("issue", "cancel", "retire")),
    path("<id:product_id>/pool/", views_structure.product_pool, name="product_pool"),
    path("<id:product_id>/structure/", views_structure.product_structure, name="product_structure"),
    path("<id:product_id>/projection/", views_projection.product_projection, name="product_projection"),
    path("<id:product_id>/collections/", views_servicing.collections_new, name="collections_new"),
    path("<id:product_id>/periods/<int:number>/", views_servicing.period_detail, name="period"),
    path("<id:product_id>/periods/<int:number>/run/", views_servicing.period_run, name="period_run"),
    *(path(f"<id:product_id>/periods/<int:number>/report.{kind}", views_servicing.period_report, {"kind": kind},
           name=f"period_report_{kind}") for kind in ("pdf", "xlsx")),
]
