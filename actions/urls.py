from django.urls import path

from . import council_views, milestone_views, views

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
    # Milestones (issue 13)
    path(
        "actions/<int:pk>/milestones/new/",
        milestone_views.add_to_action,
        name="action_milestone_add",
    ),
    path(
        "council-actions/<int:pk>/milestones/new/",
        milestone_views.add_to_council_action,
        name="council_action_milestone_add",
    ),
    path("milestones/<int:pk>/", milestone_views.edit, name="milestone_edit"),
    path("milestones/<int:pk>/remove/", milestone_views.remove, name="milestone_remove"),
    path("milestones/<int:pk>/done/", milestone_views.mark_done, name="milestone_done"),
    path("milestones/<int:pk>/not-done/", milestone_views.mark_not_done, name="milestone_undo"),
    path(
        "actions/<int:pk>/percent-source/",
        milestone_views.percent_source_of_action,
        name="action_percent_source",
    ),
    path(
        "council-actions/<int:pk>/percent-source/",
        milestone_views.percent_source_of_council_action,
        name="council_action_percent_source",
    ),
]
