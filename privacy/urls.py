from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.notice, name="privacy_notice"),
    path("privacy/people/", views.people, name="privacy_people"),
    path("privacy/people/<int:pk>/", views.person, name="privacy_person"),
    path("privacy/people/<int:pk>/export/", views.export, name="privacy_export"),
    path("privacy/people/<int:pk>/erase/", views.erase, name="privacy_erase"),
]
