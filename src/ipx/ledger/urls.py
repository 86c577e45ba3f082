from django.urls import path

from ipx.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("<id:organisation_id>/", views.statement, name="statement"),
    path("<id:organisation_id>/statement.csv", views.statement_csv, name="statement_csv"),
    path("<id:organisation_id>/deposit/", views.deposit, name="deposit"),
    path("<id:organisation_id>/payout/", views.payout, name="payout"),
]
