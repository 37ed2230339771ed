from django.urls import path

from . import views

urlpatterns = [
    path("actions/<int:pk>/equality/", views.action_assessment, name="action_equality"),
    path(
        "council-actions/<int:pk>/equality/",
        views.council_action_assessment,
        name="council_action_equality",
    ),
    path(
        "council-actions/<int:pk>/social-value/",
        views.council_action_social_value,
        name="council_action_social_value",
    ),
]
