from django.urls import path

from . import views

urlpatterns = [
    path("evidence/<int:pk>/", views.download, name="evidence_file"),
    path("evidence/<int:pk>/remove/", views.remove, name="evidence_remove"),
]
