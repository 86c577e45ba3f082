from django.urls import path

from ipx.matching.demands import views

app_name = "matching"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:demand_id>/", views.detail, name="detail"),
    path("<int:demand_id>/edit/", views.edit, name="edit"),
    path("<int:demand_id>/close/", views.close, name="close"),
    path("<int:demand_id>/<slug:name>/", views.action, name="action"),
]
