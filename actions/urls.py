from django.urls import path

from . import round_views, views

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/update/", views.post_update, name="action_update"),
    path("rounds/", round_views.round_list, name="rounds"),
    path("rounds/new/", round_views.round_open, name="round_open"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", round_views.round_close, name="round_close"),
]
