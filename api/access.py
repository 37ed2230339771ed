"""Who may call the API at all: anyone may read (what they see is decided by the querysets in
api/views.py, through accounts/permissions.py); only a signed-in person may write, and what they
may write is checked by the same `check_…` functions the pages use."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class PlanAccess(BasePermission):
    message = "Sign in, or send a personal API token, to make changes."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user.is_authenticated)
