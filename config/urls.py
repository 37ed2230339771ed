"""Root URL configuration: each app's pages under the paths they have always had."""

from django.contrib import admin
from django.urls import include, path

from . import views

# A database outage answers 503 with the "service unavailable" page; anything else, 500.
handler500 = "config.outage.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    path("", include("actions.urls")),
    path("", include("evidence.urls")),
    path("", include("monitoring.urls")),
    path("", include("discussion.urls")),
    path("", include("indicators.urls")),
    path("", include("duties.urls")),  # equality and social value (issue 15)
    path("", include("risks.urls")),  # the risk register (issue 15)
    path("", include("reports.urls")),
    path("", include("publication.urls")),  # the public site, open data, sitemap (issue 14)
    path("", include("api.urls")),  # the API, its schema and docs, API tokens (issue 14)
    path("", include("imports.urls")),
    path("", include("privacy.urls")),  # the privacy notice, subject access, erasure (issue 15)
    path("admin/", admin.site.urls),
]
