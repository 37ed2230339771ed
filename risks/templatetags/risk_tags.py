"""Risks shown on pages of lower apps (a strategy action, a proposed council action), composed
through template tags rather than imports."""

from django import template

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
