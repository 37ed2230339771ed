from django.urls import path

from . import council_views, dashboard_views, exports, round_views, views

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
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/changes/", dashboard_views.changes, name="dashboard_changes"),
    path("reports/cabinet/", dashboard_views.cabinet_report, name="cabinet_report"),
    path("reports/cabinet.pdf", dashboard_views.cabinet_report_pdf, name="cabinet_report_pdf"),
    path("exports/action-plan.csv", exports.action_plan_csv, name="export_csv"),
    path("exports/action-plan.xlsx", exports.action_plan_xlsx, name="export_xlsx"),
    path("rounds/", round_views.round_list, name="rounds"),
    path("rounds/new/", round_views.round_open, name="round_open"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", round_views.round_close, name="round_close"),
]
