from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.plan_upload, name="import_plan"),
    path("import/progress/", views.progress_upload, name="import_progress"),
    path("import/progress/template.xlsx", views.progress_template, name="import_progress_template"),
    path("import/<int:pk>/", views.preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.confirm, name="import_confirm"),
]
