"""The signed-in person's roles, for templates (the rules themselves stay in permissions.py)."""

from . import permissions


def roles(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "user_roles": permissions.roles(user),
        "is_administrator": permissions.is_administrator(user),
        "has_own_list": permissions.has_own_list(user),
        "can_review_any": permissions.can_review_any(user),
    }
