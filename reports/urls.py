from django.urls import path

from . import decision_views, download_views, views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/changes/", views.changes, name="dashboard_changes"),
    path("dashboard/slippage/", views.slippage, name="slippage"),
    path(
        "strategies/<slug:slug>/decision/",
        decision_views.strategy_decision,
        name="strategy_decision",
    ),  # issue 15
    path("reports/cabinet/", views.cabinet_report, name="cabinet_report"),
    path("reports/cabinet.pdf", views.cabinet_report_pdf, name="cabinet_report_pdf"),
    path("reports/archive/", views.report_archive, name="report_archive"),
    path("reports/<int:pk>/report.pdf", views.report_file, name="report_file"),
    path("reports/<int:pk>/reissue/", views.report_reissue, name="report_reissue"),
    path("exports/action-plan.csv", download_views.action_plan_csv, name="export_csv"),
    path("exports/action-plan.xlsx", download_views.action_plan_xlsx, name="export_xlsx"),
    path("downloads/", download_views.download_list, name="downloads"),
    path("downloads/new/", download_views.new_download, name="new_download"),
    path("downloads/<int:pk>/", download_views.download_page, name="download"),
    path("downloads/<int:pk>/status/", download_views.download_status, name="download_status"),
    path("downloads/<int:pk>/file/", download_views.download_file, name="download_file"),
]
