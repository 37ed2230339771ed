"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "Third Sector Strategy Tracker administration"
admin.site.site_title = "Third Sector Strategy Tracker"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plan", permanent=False), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    path("", include("actions.urls")),
    path("admin/", admin.site.urls),
]
