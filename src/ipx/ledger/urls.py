from django.urls import path

from ipx.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:organisation_id>/", views.statement, name="statement"),
    path("<int:organisation_id>/statement.csv", views.statement_csv, name="statement_csv"),
    path("<int:organisation_id>/deposit/", views.deposit, name="deposit"),
    path("<int:organisation_id>/payout/", views.payout, name="payout"),
]
