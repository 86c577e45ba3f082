from django.urls import path

from ipx.accounts.sessions import views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("confirm/", views.confirm, name="confirm"),
    path("<id:session_id>/revoke/", views.revoke, name="revoke"),
    path("revoke-others/", views.revoke_others, name="revoke_others"),
]
