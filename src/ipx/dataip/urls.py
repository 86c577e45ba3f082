from django.urls import path

from ipx.dataip import views

app_name = "dataip"

urlpatterns = [
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:number>/", views.verify_number, name="verify"),
    path("certificates/<str:number>.pdf", views.certificate_download, name="certificate_pdf"),
    path("certificates/<str:number>.json", views.certificate_json, name="certificate_json"),
]
