from django.urls import path

from . import exports, views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/changes/", views.changes, name="dashboard_changes"),
    path("reports/cabinet/", views.cabinet_report, name="cabinet_report"),
    path("reports/cabinet.pdf", views.cabinet_report_pdf, name="cabinet_report_pdf"),
    path("exports/action-plan.csv", exports.action_plan_csv, name="export_csv"),
    path("exports/action-plan.xlsx", exports.action_plan_xlsx, name="export_xlsx"),
]
