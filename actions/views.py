"""Pages of the action plan."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import require_read_plan

from .selectors import plan_strategies


@require_safe
@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The whole plan, read-only: strategy, themes, actions, proposed council actions."""
    require_read_plan(request.user)
    strategies = list(plan_strategies())
    current = [s for s in strategies if s.status == s.Status.CURRENT and s.kind == s.Kind.STRATEGY]
    others = [s for s in strategies if s not in current]
    return render(request, "actions/plan.html", {"current": current, "others": others})
