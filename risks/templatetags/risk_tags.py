"""Risks shown on pages of lower apps (a strategy action, a proposed council action), composed
through template tags rather than imports."""

from django import template
from django.db.models import Count

from accounts import permissions
from monitoring.selectors import current_round
from risks.models import Risk

register = template.Library()


def _summary(risks, action, strategy) -> dict:
    return {"risks": list(risks.order_by("-score", "pk")), "action": action, "strategy": strategy}


@register.inclusion_tag("risks/includes/on_action.html")
def action_risks(action):
    """The risks to a strategy action (one query), each with its score and a link."""
    return _summary(Risk.objects.filter(strategy_action=action), action, action.theme.strategy)


@register.inclusion_tag("risks/includes/on_action.html")
def council_action_risks(council_action):
    """The risks to a proposed council action (one query)."""
    return _summary(
        Risk.objects.filter(council_action=council_action),
        council_action,
        council_action.strategy_action.theme.strategy,
    )


@register.inclusion_tag("risks/includes/due_for_review.html")
def risks_due_for_review(user):
    """For the review queue: how many risks of each current strategy are due for review in the
    open round, to those who review risks (two queries; none for anyone else)."""
    if not permissions.can_manage_risks(user):
        return {"rows": []}
    round_ = current_round()
    if round_ is None:
        return {"rows": []}
    rows = (
        Risk.objects.in_current_plans()
        .due_for_review(round_)
        .values("strategy__slug", "strategy__title")
        .annotate(due=Count("pk"))
        .order_by("strategy__title")
    )
    return {"rows": list(rows), "round": round_}
