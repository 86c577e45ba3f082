from django.urls import path

from ipx.finance import views, views_loans, views_pools, views_valuations

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("valuations/new/", views_valuations.valuation_new, name="valuation_new"),
    path("valuations/<id:valuation_id>/", views_valuations.valuation_detail, name="valuation"),
    path("valuations/<id:valuation_id>/report.pdf", views_valuations.valuation_report, name="valuation_report"),
    *(path(f"valuations/<id:valuation_id>/{action}/", views_valuations.valuation_step, {"action": action},
           name=f"valuation_{action}") for action in ("accept", "decline", "withdraw")),
    path("valuations/<id:valuation_id>/income/", views_valuations.valuation_income, name="valuation_income"),
    path("valuations/<id:valuation_id>/cost/", views_valuations.valuation_cost, name="valuation_cost"),
    path("valuations/<id:valuation_id>/market/", views_valuations.valuation_market, name="valuation_market"),
    path("valuations/<id:valuation_id>/sign-off/", views_valuations.valuation_sign_off, name="valuation_sign_off"),
    path("loans/new/", views_loans.loan_new, name="loan_new"),
    path("loans/<id:loan_id>/", views_loans.loan_detail, name="loan"),
    *(path(f"loans/<id:loan_id>/{action}/", views_loans.loan_step, {"action": action}, name=f"loan_{action}")
      for action in ("decline", "accept", "withdraw", "approve", "return", "pay")),
    path("loans/<id:loan_id>/offer/", views_loans.loan_offer, name="loan_offer"),
    path("loans/<id:loan_id>/pledge/", views_loans.loan_pledge, name="loan_pledge"),
    path("loans/<id:loan_id>/enrol/", views_loans.loan_enrol, name="loan_enrol"),
    path("loans/<id:loan_id>/recover/", views_loans.loan_recover, name="loan_recover"),
    path("loans/<id:loan_id>/prepay/", views_loans.loan_prepay, name="loan_prepay"),
    path("loans/<id:loan_id>/valuation/", views_loans.loan_valuation, name="loan_valuation"),
    path("pools/new/", views_pools.pool_new, name="pool_new"),
    path("pools/<id:pool_id>/", views_pools.pool_detail, name="pool"),
    path("pools/<id:pool_id>/admit/", views_pools.pool_admit, name="pool_admit"),
]
