from django.urls import path

from . import review_views, views

urlpatterns = [
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("reviews/", review_views.review_queue, name="review_queue"),
    path("reviews/approve/", review_views.approve_selected, name="review_approve_selected"),
    path("reviews/<str:kind>/<int:pk>/", review_views.review, name="review"),
]
