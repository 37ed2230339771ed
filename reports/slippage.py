"""Slippage: every action whose target date has moved, with each approved reason.

A new target date is part of a progress update or council input, so it takes effect only when
the record is approved (monitoring/services.py); the moves listed here are approved ones.
"""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from actions.models import CouncilAction, CouncilInput, ProgressUpdate, StrategyAction

#: The two lists, by the `?of=` the page takes.
KINDS = {"strategy": "Strategy actions", "council": "Proposed council actions"}


def moved(kind: str) -> QuerySet:
    """Actions of the current plans whose target date has moved, in plan order, each with
    `moves`: its approved records that set a new target date, oldest first."""
    if kind == "council":
        actions = CouncilAction.objects.in_current_plans().select_related("strategy_action")
        records = CouncilInput.objects.select_related("author", "organisation")
        related = "inputs"
    else:
        actions = StrategyAction.objects.in_current_plans().select_related("theme")
        records = ProgressUpdate.objects.select_related("author", "organisation")
        related = "updates"
    has_moved = Q(revised_target_date__isnull=False) & (
        Q(original_target_date__isnull=True) | ~Q(revised_target_date=F("original_target_date"))
    )
    return (
        actions.filter(has_moved)
        .prefetch_related(
            Prefetch(
                related,
                queryset=records.filter(revised_target_date__isnull=False).order_by(
                    "created_at", "pk"
                ),
                to_attr="moves",
            )
        )
        .order_by("plan_position")
    )


def days_slipped(action) -> int | None:
    """How many days later than its original target date it now is (negative: earlier)."""
    if action.original_target_date is None or action.revised_target_date is None:
        return None
    return (action.revised_target_date - action.original_target_date).days
