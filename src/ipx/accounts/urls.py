from django.urls import include, path

from ipx.accounts import members, token_pages, views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    # The second factor and signed-in sessions (ipx.accounts.mfa, ipx.accounts.sessions).
    path("mfa/", include("ipx.accounts.mfa.urls")),
    path("sessions/", include("ipx.accounts.sessions.urls")),
    path("login/", views.login_view, name="login"),
    # Passwords, e-mail confirmation (ipx.accounts.passwords) and members who may sign.
    path("", include("ipx.accounts.passwords.urls")),
    path("organisation/members/", members.members_page, name="members"),
    path("organisation/members/<id:user_id>/signatory/", members.signatory, name="signatory"),
    path("logout/", views.logout_view, name="logout"),
    path("organisation/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisation/invite/", views.invite, name="invite"),
    path("organisation/choose/", views.choose, name="choose_organisation"),
    path("organisations/", views.verification_queue, name="verification_queue"),
    path("organisations/<id:organisation_id>/", views.organisation, name="organisation"),
    path("organisations/<id:organisation_id>/<slug:name>/", views.organisation_action,
         name="organisation_action"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("tokens/", token_pages.tokens_page, name="tokens"),
]
