"""The council's duties (issue 15) on the dashboard and in the Cabinet report: which actions
have an equality impact assessment still due, the strategies' own assessments, and the social
value of proposed council actions that involve procurement.

Each list is one query for the first LIST_LIMIT rows and one count, however many actions
there are (no query per action).
"""

from __future__ import annotations

from django.db.models import F, Q

from actions.models import CouncilAction, StrategyAction
from duties.models import EqualityAssessment, SocialValue, State
from strategy.models import Strategy

from .figures import LIST_LIMIT, Capped


def _in_current_plans() -> Q:
    return Q(strategy_action__in=StrategyAction.objects.in_current_plans().values("pk")) | Q(
        council_action__in=CouncilAction.objects.in_current_plans().values("pk")
    )


def assessments_due() -> Capped:
    """Actions of the current plans whose equality impact assessment is due (among them any
    proposed council action affecting voluntary groups that serve people with protected
    characteristics and not yet assessed), in plan order."""
    due = EqualityAssessment.objects.filter(_in_current_plans(), state=State.DUE)
    rows = due.select_related("strategy_action", "council_action").order_by(
        F("strategy_action__plan_position").asc(nulls_last=True),
        F("council_action__plan_position").asc(nulls_last=True),
        "pk",
    )
    return Capped(list(rows[:LIST_LIMIT]), due.count())


def strategy_assessments() -> list[EqualityAssessment]:
    """The current strategies' own equality impact assessments (the Forum's, 2.12.1)."""
    return list(
        EqualityAssessment.objects.filter(strategy__status=Strategy.Status.CURRENT)
        .select_related("strategy", "source")
        .order_by("strategy__title")
    )


def social_value() -> Capped:
    """Proposed council actions of the current plans that involve procurement or service
    agreements, with whether the Social Value Act's considerations are recorded."""
    involved = SocialValue.objects.filter(
        involves_procurement=True,
        council_action__in=CouncilAction.objects.in_current_plans().values("pk"),
    )
    rows = involved.select_related("council_action").order_by("council_action__plan_position", "pk")
    return Capped(list(rows[:LIST_LIMIT]), involved.count())


def context() -> dict:
    return {
        "assessments_due": assessments_due(),
        "strategy_assessments": strategy_assessments(),
    }
