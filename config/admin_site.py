"""The Django admin, opened to Administrators only, through the product's sign-in page."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.permissions import is_administrator


class TrackerAdminSite(admin.AdminSite):
    site_header = "Third Sector Strategy Tracker administration"
    site_title = "Third Sector Strategy Tracker"
    index_title = "Administration"

    def has_permission(self, request):
        # The Administrator role, not Django's is_staff flag, opens the admin.
        return is_administrator(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            # Signed in without the role: refuse (403) rather than send them to sign in again.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("Only administrators can use the administration pages.")
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole product, throttled by django-axes.
        if request.user.is_authenticated:
            raise PermissionDenied("Only administrators can use the administration pages.")
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), login_url=reverse("login")
        )
