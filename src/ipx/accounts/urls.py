from django.urls import path

from ipx.accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("organisation/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisation/invite/", views.invite, name="invite"),
    path("organisation/choose/", views.choose, name="choose_organisation"),
    path("organisations/", views.verification_queue, name="verification_queue"),
    path("organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path("organisations/<int:organisation_id>/<slug:name>/", views.organisation_action,
         name="organisation_action"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("tokens/", views.tokens, name="tokens"),
]
