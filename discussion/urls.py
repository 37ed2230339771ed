from django.urls import path

from . import views

urlpatterns = [
    path("actions/<int:pk>/comments/", views.comment_on_action, name="action_comment"),
    path(
        "council-actions/<int:pk>/comments/",
        views.comment_on_council_action,
        name="council_action_comment",
    ),
    path("comments/<int:pk>/hide/", views.hide_comment, name="comment_hide"),
    path("comments/<int:pk>/unhide/", views.unhide_comment, name="comment_unhide"),
]
