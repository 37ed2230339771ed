"""Reads of the risk register, each a fixed number of queries however many risks there are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, When

from monitoring.models import MonitoringRound
from strategy.models import Strategy

from .models import HIGH_FROM, MEDIUM_FROM, Rating, Risk, Status, rating_filter


def register(strategy: Strategy, round_: MonitoringRound | None) -> QuerySet[Risk]:
    """A strategy's risks with what the register shows: live ones first, not yet assessed and
    then the highest scores first, closed ones last."""
    return (
        Risk.objects.filter(strategy=strategy)
        .with_reviewed_in(round_)
        .select_related("strategy_action", "council_action", "owner")
        .annotate(closed=Case(When(status=Status.CLOSED, then=1), default=0))
        .order_by("closed", F("score").desc(nulls_first=True), "pk")
    )


def filtered(queryset: QuerySet[Risk], *, status: str, rating: str, due: bool, round_):
    if status:
        queryset = queryset.filter(status=status)
    if rating:
        queryset = queryset.filter(rating_filter(rating))
    if due:
        queryset = queryset.filter(pk__in=Risk.objects.due_for_review(round_).values("pk"))
    return queryset


@dataclass(frozen=True)
class RiskCounts:
    """How many live risks (not closed) there are in each rating, and needing attention."""

    high: int = 0
    medium: int = 0
    low: int = 0
    not_assessed: int = 0
    past_review_date: int = 0
    due_in_round: int | None = None  # None while no round is open
    closed: int = 0

    @property
    def live(self) -> int:
        return self.high + self.medium + self.low + self.not_assessed


def counts(risks: QuerySet[Risk], today: datetime.date, round_) -> RiskCounts:
    """The counts of `risks` in one query (two with a round open)."""
    live = ~Q(status=Status.CLOSED)
    row = risks.aggregate(
        high=Count("pk", filter=live & Q(score__gte=HIGH_FROM)),
        medium=Count("pk", filter=live & Q(score__gte=MEDIUM_FROM, score__lt=HIGH_FROM)),
        low=Count("pk", filter=live & Q(score__lt=MEDIUM_FROM)),
        not_assessed=Count("pk", filter=live & Q(score__isnull=True)),
        past_review_date=Count("pk", filter=live & Q(review_date__lt=today)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
    )
    due = None
    if round_ is not None:
        due = risks.filter(pk__in=Risk.objects.due_for_review(round_).values("pk")).count()
    return RiskCounts(**row, due_in_round=due)


RATING_ORDER = [Rating.HIGH, Rating.MEDIUM, Rating.LOW, Rating.NOT_ASSESSED]
