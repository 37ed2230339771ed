"""Indicators shown on pages of lower apps (a strategy action, a proposed council action),
composed through template tags rather than imports, and figures with their units."""

from django import template

from accounts import permissions
from indicators import selectors
from indicators.models import Indicator, IndicatorValue, figure, with_unit

register = template.Library()


@register.filter(name="with_unit")
def with_unit_filter(value, unit: str) -> str:
    """{{ value|with_unit:indicator.unit }}: £1,200, 45%, 120 people."""
    return with_unit(value, unit)


@register.filter(name="figure")
def figure_filter(value) -> str:
    return figure(value)


@register.inclusion_tag("indicators/includes/linked.html")
def action_indicators(action, heading_level: int = 2):
    """The indicators linked to a strategy action, each with its chart and table (three
    queries however many indicators and values)."""
    indicators = selectors.with_figures(Indicator.objects.filter(strategy_actions=action))
    return {"rows": selectors.figures_of(indicators), "heading_level": heading_level}


@register.inclusion_tag("indicators/includes/linked.html")
def council_action_indicators(council_action, heading_level: int = 2):
    """The indicators linked to a proposed council action, each with its chart and table."""
    indicators = selectors.with_figures(Indicator.objects.filter(council_actions=council_action))
    return {"rows": selectors.figures_of(indicators), "heading_level": heading_level}


#: The review queue lists the longest-waiting this many values, and counts the rest.
QUEUE_MAX = 100


@register.inclusion_tag("indicators/includes/values_to_review.html")
def indicator_values_to_review(user):
    """The indicator values waiting for this reviewer, oldest first, each linked to its review
    (for the review queue, which lives in a lower app)."""
    values = permissions.indicator_values_to_review(
        user,
        IndicatorValue.all_records.select_related("indicator", "author", "organisation").order_by(
            "submitted_at", "pk"
        ),
    )
    # Counted always, so the queue makes the same queries however many values wait.
    return {"values": list(values[:QUEUE_MAX]), "count": values.count()}
