from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .sitemaps import SITEMAPS


def _public_sitemap(view):
    """The sitemap is as public as the pages it lists."""
    return views.public(view)


urlpatterns = [
    path("public/", views.landing, name="public_landing"),
    path("public/<slug:slug>/", views.strategy_page, name="public_strategy"),
    path("public/<slug:slug>/themes/<int:number>/", views.theme_page, name="public_theme"),
    path("public/<slug:slug>/actions/<int:pk>/", views.action_page, name="public_action"),
    path(
        "public/<slug:slug>/council-actions/", views.council_actions, name="public_council_actions"
    ),
    path("public/<slug:slug>/decision/", views.decision, name="public_decision"),  # issue 15
    path("public/<slug:slug>/indicators/", views.indicators, name="public_indicators"),
    path("public/<slug:slug>/indicators/<int:pk>/", views.indicator_page, name="public_indicator"),
    path("public/<slug:slug>/files/<int:pk>/", views.evidence_file, name="public_file"),
    path("public/<slug:slug>/data/", views.open_data, name="public_open_data"),
    path("public/<slug:slug>/data/<slug:dataset>.csv", views.data_csv, name="public_data_csv"),
    path("public/<slug:slug>/data/<slug:dataset>.json", views.data_json, name="public_data_json"),
    path(
        "sitemap.xml",
        _public_sitemap(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "public_sitemap_section"},
        name="public_sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        _public_sitemap(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="public_sitemap_section",
    ),
    path("strategies/<slug:slug>/publish/", views.publish_page, name="strategy_publish"),
]
