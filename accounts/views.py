"""The landing page after signing in, which fits the person's role."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from actions.selectors import council_actions_for_units, strategy_actions_for_partner

from . import permissions
from .roles import Role


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Forum members see their organisation's actions; officers their unit's; others the plan."""
    user = request.user
    permissions.require_read_plan(user)
    if not permissions.has_own_list(user):
        return redirect("plan")
    if permissions.has_role(user, Role.FORUM_MEMBER):
        actions = strategy_actions_for_partner(user.organisation_id)
        return render(request, "accounts/home_forum.html", {"actions": actions})
    council_actions = council_actions_for_units(permissions.units_answered_for(user))
    return render(request, "accounts/home_officer.html", {"council_actions": council_actions})
