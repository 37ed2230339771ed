"""Service-wide pages: the landing page, the health check and the accessibility statement."""

import logging

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import permissions
from accounts.roles import Role
from actions.selectors import strategy_actions_for_partner

logger = logging.getLogger(__name__)


@require_safe
@permissions.plan_reader_required
def home(request: HttpRequest) -> HttpResponse:
    """Forum members see their organisation's actions, officers their unit's, Cabinet members
    the dashboard, and the coordinator and administrators the plan."""
    user = request.user
    if permissions.lands_on_dashboard(user):
        return redirect("dashboard")
    if not permissions.has_own_list(user):
        return redirect("plan")
    if permissions.has_role(user, Role.FORUM_MEMBER):
        actions = strategy_actions_for_partner(user.organisation_id)
        return render(request, "accounts/home_forum.html", {"actions": actions})
    # Officers land on their own unit's proposed council actions (and the units within it).
    return redirect(f"{reverse('council_actions')}?unit={user.organisation_id}")


@never_cache
@require_safe
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, open to everyone."""
    return render(request, "pages/accessibility.html")
