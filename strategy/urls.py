"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import home

from . import views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    path("", include("actions.urls")),
    path("admin/", admin.site.urls),
]
