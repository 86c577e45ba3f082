from django.urls import path

from ipx.expo import views, views_manage

app_name = "expo"

urlpatterns = [
    path("", views.edition_list, name="editions"),
    path("manage/", views_manage.manage, name="manage"),
    path("manage/<slug:slug>/", views_manage.manage_edition, name="manage_edition"),
    path("<slug:slug>/", views.edition, name="edition"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("<slug:slug>/halls/<slug:hall_slug>/", views.hall, name="hall"),
    path("<slug:slug>/zones/<slug:zone_slug>/", views.zone, name="zone"),
    path("<slug:slug>/booths/<int:exhibitor_id>/", views.booth, name="booth"),
]
