"""Reads of the action plan that need care: a fixed number of queries at any size."""

from django.db.models import Prefetch, QuerySet

from strategy.models import Strategy
from themes.models import Theme

from .models import ActionPartner, CouncilAction, StrategyAction


def plan_strategies() -> QuerySet[Strategy]:
    """Every strategy with its themes, actions and proposed council actions, prefetched.

    The query count is fixed (one per level, whatever the number of rows):
    strategies, their priorities, elements, themes, partnership examples,
    actions, sub-points, responsible partners, action priorities, existing
    activity and council actions.
    """
    actions = StrategyAction.objects.select_related("source").prefetch_related(
        "sub_points",
        Prefetch(
            "responsible_partners",
            queryset=ActionPartner.objects.select_related("partner", "source"),
        ),
        "corporate_priorities",
        "existing_activities__source",
        Prefetch(
            "council_actions",
            queryset=CouncilAction.objects.select_related("responsible_unit", "source"),
        ),
    )
    themes = Theme.objects.select_related("source").prefetch_related(
        "examples__source", Prefetch("actions", queryset=actions)
    )
    return (
        Strategy.objects.select_related("source", "supersedes")
        .prefetch_related(
            "corporate_priorities", "elements__source", Prefetch("themes", queryset=themes)
        )
        .order_by("status", "-adopted_on")
    )


def strategy_actions_for_partner(partner_id: int | None) -> QuerySet[StrategyAction]:
    """The strategy actions an organisation is responsible for, lead or supporting."""
    return (
        StrategyAction.objects.filter(responsible_partners__partner_id=partner_id)
        .select_related("theme__strategy")
        .prefetch_related(
            Prefetch(
                "responsible_partners",
                queryset=ActionPartner.objects.select_related("partner"),
            )
        )
        .distinct()
        .order_by("theme__strategy__slug", "theme__number", "position")
    )


def council_actions_for_units(unit_ids) -> QuerySet[CouncilAction]:
    """The proposed council actions that the given council units answer for."""
    return (
        CouncilAction.objects.filter(responsible_unit_id__in=list(unit_ids))
        .select_related("strategy_action__theme__strategy", "responsible_unit")
        .order_by("strategy_action__theme__number", "strategy_action__position", "position")
    )
