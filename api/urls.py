"""The API (/api/…) and the pages where a person manages their API tokens."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import docs, token_views, views

app_name = "api"

router = SimpleRouter()
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("actions", views.StrategyActionViewSet, basename="action")
router.register("council-actions", views.CouncilActionViewSet, basename="council_action")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress_update")
router.register("council-input", views.CouncilInputViewSet, basename="council_input")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="indicator_value")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs.docs, name="docs"),
    path("api/docs/swagger/", docs.SwaggerView.as_view(), name="swagger"),
    path("account/api-tokens/", token_views.tokens, name="tokens"),
    path("account/api-tokens/<str:key>/revoke/", token_views.revoke, name="token_revoke"),
]
