"""Service-wide pages: the landing page, the health check and the accessibility statement."""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import permissions
from accounts.roles import Role
from actions.models import ProgressUpdate, ReviewState
from actions.selectors import strategy_actions_for_partner
from indicators.models import IndicatorValue
from monitoring.selectors import actions_due_an_update, current_round

logger = logging.getLogger(__name__)

# The landing page lists at most this many of an organisation's drafts and returned updates.
UNFINISHED_MAX = 50


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
        return render(request, "accounts/home_forum.html", forum_landing(user))
    # Officers land on their own unit's proposed council actions (and the units within it).
    return redirect(f"{reverse('council_actions')}?unit={user.organisation_id}")


def _cache_answers() -> bool:
    """A value written to the cache can be read back (False when Redis is down: django-redis
    then ignores the error and the site carries on uncached)."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:  # any backend's failure means the same here: no cache
        logger.exception("Health check: the cache failed")
        return False
    return answered


def forum_landing(user) -> dict:
    """A Forum member's actions, with what the open round still needs from them."""
    actions = list(strategy_actions_for_partner(user.organisation_id))
    round_ = current_round()
    # Submitted counts as done by the organisation; it counts in the figures once approved.
    updated = (
        set(
            ProgressUpdate.all_records.filter(
                round=round_,
                strategy_action__in=actions,
                review_state__in=[ReviewState.SUBMITTED, ReviewState.APPROVED],
            ).values_list("strategy_action_id", flat=True)
        )
        if round_ and actions
        else set()
    )
    # What is still with the organisation: drafts, and updates returned with a comment.
    unfinished = list(
        ProgressUpdate.all_records.filter(
            organisation_id=user.organisation_id,
            review_state__in=[ReviewState.RETURNED, ReviewState.DRAFT],
        )
        .select_related("strategy_action", "reviewed_by")
        .order_by("-review_state", "-created_at")[:UNFINISHED_MAX]
    )
    # Due: the same rule as the round page and the reminders (open, in a current plan).
    due = (
        set(
            actions_due_an_update()
            .filter(pk__in=[action.pk for action in actions])
            .values_list("pk", flat=True)
        )
        if round_
        else set()
    )
    for action in actions:
        action.updated_this_round = action.pk in updated
        action.due_this_round = action.pk in due and not action.updated_this_round
    days_left = (round_.due_date - timezone.localdate()).days if round_ else None
    return {
        "actions": actions,
        "round": round_,
        "still_to_update": sum(action.due_this_round for action in actions),
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else None,
        "returned": [
            record for record in unfinished if record.review_state == ReviewState.RETURNED
        ],
        "drafts": [record for record in unfinished if record.review_state == ReviewState.DRAFT],
        # Indicator values returned with a comment: a value is put right by recording it again.
        "returned_values": list(
            IndicatorValue.all_records.filter(
                organisation_id=user.organisation_id, review_state=ReviewState.RETURNED
            )
            .select_related("indicator", "reviewed_by")
            .order_by("-reviewed_at", "-pk")[:UNFINISHED_MAX]
        ),
    }


@never_cache
@require_safe
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> HttpResponse:
    """503 when the database does not answer (nothing works without it); otherwise 200, saying
    whether the cache answers too. Without the cache the service is slower, not down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse(
            "database unavailable\ndatabase: down\n", status=503, content_type="text/plain"
        )
    if not _cache_answers():
        logger.warning("Health check: the cache did not answer; serving uncached")
        return HttpResponse("ok\ndatabase: ok\ncache: degraded\n", content_type="text/plain")
    return HttpResponse("ok\ndatabase: ok\ncache: ok\n", content_type="text/plain")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, open to everyone."""
    return render(request, "pages/accessibility.html")
