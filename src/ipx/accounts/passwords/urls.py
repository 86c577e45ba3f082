"""Pages for passwords and e-mail confirmation, in the accounts namespace."""

from django.urls import path

from ipx.accounts.passwords import views

urlpatterns = [
    path("registered/", views.registered, name="registered"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.ResetSentView.as_view(), name="password_reset_done"),
    path("password/reset/done/", views.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("email/confirm/", views.resend_confirmation, name="email_confirmation_send"),
    path("email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
]
