"""Plan order, kept as one number on each action so that a page of the plan is an index scan.

Plan order is: current strategies first, the newest first; then the theme's number; then
the action's position (and a proposed council action's position under its strategy
action). Sorting by that joins three tables and sorts every row: at 50,000 actions that was
most of the plan page's time, however few rows the page showed. So each theme keeps its
`plan_rank` in that order, each strategy action its `plan_position` (the theme's rank and
its own position in one number) and each proposed council action its own (its strategy
action's and its own position), with an index on each.

The numbers are kept by signals (actions/signals.py): an action's when it is saved, every
theme's when a theme or strategy is saved or a theme deleted (a rare, administrative
change: only themes whose rank moved are rewritten). `renumber(everything=True)` puts
everything right after bulk loads that bypass signals (the benchmark's synthetic plans).
"""

from django.db.models import F, OuterRef, Subquery

from themes.models import Theme

from .models import CouncilAction, StrategyAction

# Positions are small integers (at most 32,767), so each step leaves room for all of them.
STEP = 100_000


def theme_order():
    return Theme.objects.order_by("strategy__status", "-strategy__adopted_on", "number", "pk")


def action_position(action: StrategyAction) -> int:
    # From the database, not the theme in memory: renumbering writes ranks with UPDATE.
    rank = Theme.objects.filter(pk=action.theme_id).values_list("plan_rank", flat=True).first()
    return (rank or 0) * STEP + action.position


def council_action_position(council_action: CouncilAction) -> int:
    position = (
        StrategyAction.objects.filter(pk=council_action.strategy_action_id)
        .values_list("plan_position", flat=True)
        .first()
    )
    return (position or 0) * STEP + council_action.position


def _renumber_council_actions(actions) -> None:
    of_action = StrategyAction.objects.filter(pk=OuterRef("strategy_action_id"))
    actions.update(
        plan_position=Subquery(of_action.values("plan_position")[:1]) * STEP + F("position")
    )


def renumber(*, everything: bool = False) -> None:
    """Give every theme its rank in plan order; renumber the actions of themes that moved
    (of every theme, with `everything`)."""
    for rank, (pk, old_rank) in enumerate(theme_order().values_list("pk", "plan_rank"), 1):
        if rank == old_rank and not everything:
            continue
        Theme.objects.filter(pk=pk).update(plan_rank=rank)
        StrategyAction.objects.filter(theme_id=pk).update(plan_position=rank * STEP + F("position"))
        _renumber_council_actions(CouncilAction.objects.filter(strategy_action__theme_id=pk))


def renumber_council_actions_of(action: StrategyAction) -> None:
    _renumber_council_actions(CouncilAction.objects.filter(strategy_action=action))
