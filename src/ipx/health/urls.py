from django.contrib import admin
from django.urls import path

from ipx.health import views

app_name = "health"
urlpatterns = [
    # Also answered by HealthEndpointsMiddleware before any other middleware; these routes
    # name them and refuse other methods.
    path("healthz", views.liveness, name="healthz"),
    path("readyz", views.readiness, name="readyz"),
    # Before the back-office's own routes, whose catch-all would take it.
    path("admin/health/", admin.site.admin_view(views.panel), name="panel"),
]
