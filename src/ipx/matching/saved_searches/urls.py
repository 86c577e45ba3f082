from django.urls import path

from ipx.matching.saved_searches import views

app_name = "saved_searches"

urlpatterns = [
    path("", views.saved_list, name="list"),
    path("new/", views.create, name="create"),
    path("<id:saved_search_id>/alerts/", views.alerts, name="alerts"),
    path("<id:saved_search_id>/delete/", views.delete, name="delete"),
]
