from django.urls import path

from . import council_views, views

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/update/", views.post_update, name="action_update"),
    path(
        "actions/<int:pk>/council-actions/new/",
        council_views.add_council_action,
        name="council_action_add",
    ),
    path("council-actions/", council_views.council_action_list, name="council_actions"),
    path("council-actions/<int:pk>/", council_views.council_action_detail, name="council_action"),
    path(
        "council-actions/<int:pk>/input/", council_views.record_input, name="council_action_input"
    ),
    path(
        "council-actions/<int:pk>/decision/",
        council_views.record_decision,
        name="council_action_decision",
    ),
]
