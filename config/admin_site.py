"""The Django admin, opened to Administrators only, through the product's sign-in page."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.permissions import is_administrator

BIGGEST_ID = 2**63 - 1  # a PostgreSQL bigint


def _require_a_possible_id(model, object_id: str) -> None:
    """404 for an id no record can have ('abc', '1.0', 99999999999999999999999).

    Django's change view copes with these, but simple-history's history view and
    PostgreSQL's bigint do not: checked here once for every admin page of a record.
    """
    try:
        value = model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404("No such record") from None
    if isinstance(value, int) and not -BIGGEST_ID <= value <= BIGGEST_ID:
        raise Http404("No such record")


class TrackerAdminSite(admin.AdminSite):
    site_header = "Third Sector Strategy Tracker administration"
    site_title = "Third Sector Strategy Tracker"
    index_title = "Administration"

    def has_permission(self, request):
        # The Administrator role, not Django's is_staff flag, opens the admin.
        return is_administrator(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)

        def guarded(request, *args, **kwargs):
            # Signed in without the role: refuse (403) rather than send them to sign in again.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("Only administrators can use the administration pages.")
            if "object_id" in kwargs and isinstance(model_admin, admin.ModelAdmin):
                _require_a_possible_id(model_admin.model, kwargs["object_id"])
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole product, throttled by django-axes.
        if request.user.is_authenticated:
            raise PermissionDenied("Only administrators can use the administration pages.")
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), login_url=reverse("login")
        )
