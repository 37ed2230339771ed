from django.urls import path

from . import views

urlpatterns = [
    path("risks/", views.registers, name="risk_registers"),
    path("strategies/<slug:slug>/risks/", views.register, name="risk_register"),
    path("strategies/<slug:slug>/risks/new/", views.add, name="risk_add"),
    path("risks/<int:pk>/", views.detail, name="risk"),
    path("risks/<int:pk>/edit/", views.edit, name="risk_edit"),
    path("risks/<int:pk>/review/", views.review, name="risk_review"),
]
