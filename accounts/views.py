"""The landing page after signing in, which fits the person's role."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from actions.selectors import strategy_actions_for_partner

from . import permissions
from .roles import Role


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Forum members see their organisation's actions, officers their unit's, Cabinet members
    the dashboard, and the coordinator and administrators the plan."""
    user = request.user
    permissions.require_read_plan(user)
    if permissions.lands_on_dashboard(user):
        return redirect("dashboard")
    if not permissions.has_own_list(user):
        return redirect("plan")
    if permissions.has_role(user, Role.FORUM_MEMBER):
        actions = strategy_actions_for_partner(user.organisation_id)
        return render(request, "accounts/home_forum.html", {"actions": actions})
    # Officers land on their own unit's proposed council actions (and the units within it).
    return redirect(f"{reverse('council_actions')}?unit={user.organisation_id}")
