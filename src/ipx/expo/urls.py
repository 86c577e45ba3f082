from django.urls import path

from ipx.expo import views, views_manage, views_manage_exhibition

app_name = "expo"

urlpatterns = [
    path("", views.edition_list, name="editions"),
    path("manage/", views_manage.manage, name="manage"),
    path("manage/<slug:slug>/", views_manage.manage_edition, name="manage_edition"),
    path("manage/<slug:slug>/exhibitors/<id:exhibitor_id>/", views_manage_exhibition.manage_exhibitor,
         name="manage_exhibitor"),
    path("manage/<slug:slug>/events/<id:event_id>/", views_manage_exhibition.manage_event, name="manage_event"),
    path("<slug:slug>/", views.edition, name="edition"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("<slug:slug>/halls/<slug:hall_slug>/", views.hall, name="hall"),
    path("<slug:slug>/zones/<slug:zone_slug>/", views.zone, name="zone"),
    path("<slug:slug>/booths/<id:exhibitor_id>/", views.booth, name="booth"),
]
