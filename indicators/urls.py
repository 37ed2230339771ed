from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/values/new/", views.value_add, name="indicator_value_add"),
    path("indicators/values/approve/", views.values_approve, name="indicator_values_approve"),
    path("indicators/values/<int:pk>/review/", views.value_review, name="indicator_value_review"),
]
