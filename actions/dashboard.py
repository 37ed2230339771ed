"""The figures on the Cabinet dashboard and in the Cabinet report.

Every figure is rolled up in the database in a fixed number of queries, whatever
the size of the plan; lists of exceptions are capped, with a count of the rest
and a link to the filtered plan. Scope: the actions of current strategies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)

from strategy.models import CorporatePriority, Strategy
from themes.models import Theme

from .models import (
    ActionPriority,
    CouncilAction,
    CouncilInput,
    ProgressUpdate,
    ReportSnapshot,
    StrategyAction,
)
from .selectors import current_round
from .status import Status

LIST_LIMIT = 20
CLOSED = (Status.COMPLETED, Status.WITHDRAWN)


def current_strategy_actions() -> QuerySet[StrategyAction]:
    return StrategyAction.objects.filter(theme__strategy__status=Strategy.Status.CURRENT)


def current_council_actions() -> QuerySet[CouncilAction]:
    return CouncilAction.objects.filter(
        strategy_action__theme__strategy__status=Strategy.Status.CURRENT
    )


# --- Counts and percentages ------------------------------------------------------------------


@dataclass
class StatusCount:
    status: Status
    strategy: int = 0
    council: int = 0

    @property
    def together(self) -> int:
        return self.strategy + self.council


def status_counts() -> list[StatusCount]:
    """How many actions are at each status: strategy, council, together (two queries)."""
    rows = {s: StatusCount(s) for s in Status}
    for status, n in current_strategy_actions().values_list("status").annotate(n=Count("pk")):
        rows[Status(status)].strategy = n
    for status, n in current_council_actions().values_list("status").annotate(n=Count("pk")):
        rows[Status(status)].council = n
    return list(rows.values())


@dataclass
class Progress:
    """Percent complete for one heading, each action weighing the same."""

    label: str
    strategy_count: int = 0
    strategy_sum: int = 0
    council_count: int = 0
    council_sum: int = 0

    @staticmethod
    def _average(total: int, count: int) -> int | None:
        # Whole percent, halves rounded up as a reader expects (Python's round() goes to even).
        return (2 * total + count) // (2 * count) if count else None

    @property
    def strategy(self) -> int | None:
        return self._average(self.strategy_sum, self.strategy_count)

    @property
    def council(self) -> int | None:
        return self._average(self.council_sum, self.council_count)

    @property
    def together(self) -> int | None:
        return self._average(
            self.strategy_sum + self.council_sum, self.strategy_count + self.council_count
        )


def _count_and_sum(queryset, key: str, percent: str = "percent_complete") -> dict:
    """{key value: (number of actions, sum of their percent complete)}."""
    return {
        row[key]: (row["n"], row["total"] or 0)
        for row in queryset.values(key).annotate(n=Count(percent), total=Sum(percent))
    }


def progress_overall() -> Progress:
    row = Progress("All actions")
    for queryset, side in (
        (current_strategy_actions(), "strategy"),
        (current_council_actions(), "council"),
    ):
        totals = queryset.aggregate(n=Count("pk"), total=Sum("percent_complete"))
        setattr(row, f"{side}_count", totals["n"] or 0)
        setattr(row, f"{side}_sum", totals["total"] or 0)
    return row


def progress_by_theme() -> list[Progress]:
    strategy = _count_and_sum(current_strategy_actions(), "theme_id")
    council = _count_and_sum(current_council_actions(), "strategy_action__theme_id")
    themes = Theme.objects.filter(
        strategy__status=Strategy.Status.CURRENT, strategy__kind=Strategy.Kind.STRATEGY
    ).order_by("strategy__title", "number")
    rows = []
    for theme in themes:
        row = Progress(f"Theme {theme.number}: {theme.title}")
        row.strategy_count, row.strategy_sum = strategy.get(theme.pk, (0, 0))
        row.council_count, row.council_sum = council.get(theme.pk, (0, 0))
        rows.append(row)
    return rows


def progress_by_priority() -> list[Progress]:
    """A proposed council action counts under the priorities of the strategy action it serves."""
    links = ActionPriority.objects.filter(action__theme__strategy__status=Strategy.Status.CURRENT)
    strategy = _count_and_sum(links, "priority_id", "action__percent_complete")
    council = _count_and_sum(links, "priority_id", "action__council_actions__percent_complete")
    rows = []
    for priority in CorporatePriority.objects.order_by("number"):
        row = Progress(priority.title)
        row.strategy_count, row.strategy_sum = strategy.get(priority.pk, (0, 0))
        row.council_count, row.council_sum = council.get(priority.pk, (0, 0))
        rows.append(row)
    return rows


# --- Exceptions ------------------------------------------------------------------------------


@dataclass
class Capped:
    """The first LIST_LIMIT items of a list, with the full count."""

    items: list
    count: int

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


def _capped(queryset) -> Capped:
    return Capped(list(queryset[:LIST_LIMIT]), queryset.count())


def _listed(queryset) -> QuerySet:
    return queryset.select_related(
        "theme__strategy", "last_update__author", "last_update__organisation"
    ).order_by("theme__number", "position")


def off_track_and_at_risk() -> Capped:
    return _capped(
        _listed(current_strategy_actions().filter(status__in=[Status.OFF_TRACK, Status.AT_RISK]))
    )


def council_off_track_and_at_risk() -> Capped:
    return _capped(
        current_council_actions()
        .filter(status__in=[Status.OFF_TRACK, Status.AT_RISK])
        .select_related("strategy_action", "responsible_unit", "last_input__author")
        .order_by("strategy_action__theme__number", "strategy_action__position", "position")
    )


def _overdue_q(today: datetime.date) -> Q:
    return ~Q(status__in=CLOSED) & (
        Q(revised_target_date__lt=today)
        | Q(revised_target_date__isnull=True, original_target_date__lt=today)
    )


def overdue(today: datetime.date) -> Capped:
    return _capped(_listed(current_strategy_actions().filter(_overdue_q(today))))


def slipped() -> Capped:
    """Revised target later than the original, with the reason given for the latest revision."""
    reason = (
        ProgressUpdate.objects.filter(action=OuterRef("pk"), revised_target_date__isnull=False)
        .order_by("-created_at", "-pk")
        .values("revision_reason")[:1]
    )
    return _capped(
        _listed(
            current_strategy_actions().filter(revised_target_date__gt=F("original_target_date"))
        ).annotate(slip_reason=Subquery(reason))
    )


def without_update_this_round() -> Capped | None:
    round_ = current_round()
    if round_ is None:
        return None
    updated = ProgressUpdate.objects.filter(action=OuterRef("pk"), round=round_)
    return _capped(
        _listed(current_strategy_actions().exclude(status__in=CLOSED).exclude(Exists(updated)))
    )


# The two voices compared in the database (see actions/voices.py for the same rule in Python).
_SEVERITY = Case(
    When(council_actions__status=Status.OFF_TRACK, then=0),
    When(council_actions__status=Status.AT_RISK, then=1),
    When(council_actions__status=Status.NOT_STARTED, then=2),
    When(council_actions__status=Status.ON_TRACK, then=3),
    When(council_actions__status=Status.COMPLETED, then=4),
    output_field=IntegerField(),
)
_FORUM_STEP = Case(
    When(status=Status.OFF_TRACK, then=0),
    When(status=Status.AT_RISK, then=1),
    When(status=Status.ON_TRACK, then=2),
    When(status=Status.COMPLETED, then=3),
    output_field=IntegerField(),
)
_COUNCIL_STEP = Case(
    When(worst=0, then=0),
    When(worst=1, then=1),
    When(worst=3, then=2),
    When(worst=4, then=3),
    output_field=IntegerField(),
)


def views_disagree() -> Capped:
    """Actions where the Forum's and the council's views are more than one RAG step apart."""
    queryset = (
        current_strategy_actions()
        .annotate(worst=Min(_SEVERITY))
        .annotate(forum_step=_FORUM_STEP, council_step=_COUNCIL_STEP)
        .filter(Q(forum_step__gte=F("council_step") + 2) | Q(council_step__gte=F("forum_step") + 2))
    )
    return _capped(_listed(queryset).prefetch_related("council_actions__last_input__author"))


def recent_updates(limit: int = 10) -> list:
    """The newest progress updates and council input together, newest first (two queries)."""
    updates = list(
        ProgressUpdate.objects.select_related("action", "author", "organisation").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
    inputs = list(
        CouncilInput.objects.select_related("council_action", "author", "organisation").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
    return sorted(updates + inputs, key=lambda r: r.created_at, reverse=True)[:limit]


# --- Snapshots and changes -------------------------------------------------------------------


def snapshot_data() -> dict:
    """What a report shows of each action now, for comparing the next report against."""

    def row(action, narrative):
        return {
            "reference": action.reference,
            "status": action.status,
            "percent_complete": action.percent_complete,
            "original_target_date": action.original_target_date
            and action.original_target_date.isoformat(),
            "target_date": action.target_date and action.target_date.isoformat(),
            "narrative": narrative,
        }

    strategy = {
        str(a.pk): row(a, a.last_update.narrative if a.last_update else "")
        for a in current_strategy_actions().select_related("last_update").iterator(chunk_size=2000)
    }
    council = {
        str(c.pk): row(c, c.last_input.commentary if c.last_input else "")
        for c in current_council_actions().select_related("last_input").iterator(chunk_size=2000)
    }
    return {"strategy": strategy, "council": council}


@dataclass
class StatusChange:
    action: object
    old: Status | None
    new: Status


@dataclass
class Changes:
    since: datetime.datetime
    snapshot: ReportSnapshot | None
    status_changes: Capped
    completed: Capped
    new_updates: Capped
    target_moves: Capped
    new_council_actions: Capped


def changes_since(*, since: datetime.datetime, snapshot: ReportSnapshot | None = None) -> Changes:
    """What changed after `since`: against a snapshot's figures where there is one, else history."""
    if snapshot is not None:
        then = {int(pk): row["status"] for pk, row in snapshot.data.get("strategy", {}).items()}
        changed = current_strategy_actions().filter(pk__in=then.keys())
        known_then = lambda action: then.get(action.pk)  # noqa: E731
        candidates = [a for a in _listed(changed) if then.get(a.pk) != a.status]
        new_since = current_strategy_actions().exclude(pk__in=then.keys())
        candidates += list(_listed(new_since))
    else:
        history = StrategyAction.history.model.objects
        status_then = Subquery(
            history.filter(id=OuterRef("pk"), history_date__lte=since)
            .order_by("-history_date")
            .values("status")[:1]
        )
        moved = Exists(history.filter(id=OuterRef("pk"), history_date__gt=since))
        candidates = [
            a
            for a in _listed(current_strategy_actions().filter(moved)).annotate(then=status_then)
            if a.then != a.status
        ]
        known_then = lambda action: action.then  # noqa: E731
    status_changes = [
        StatusChange(a, Status(known_then(a)) if known_then(a) else None, Status(a.status))
        for a in candidates
    ]
    completed = [c for c in status_changes if c.new == Status.COMPLETED]

    updates = (
        ProgressUpdate.objects.filter(created_at__gt=since)
        .select_related("action", "author", "organisation")
        .order_by("-created_at")
    )
    moves = (
        ProgressUpdate.objects.filter(created_at__gt=since, revised_target_date__isnull=False)
        .select_related("action", "author")
        .order_by("-created_at")
    )
    added = Q(added_at__gt=since) | Exists(
        CouncilAction.history.model.objects.filter(
            id=OuterRef("pk"), history_type="+", history_date__gt=since
        )
    )
    new_council = (
        current_council_actions()
        .filter(added)
        .select_related("strategy_action", "responsible_unit", "added_by")
        .order_by("-added_at", "-pk")
    )
    return Changes(
        since=since,
        snapshot=snapshot,
        status_changes=Capped(status_changes[: LIST_LIMIT * 5], len(status_changes)),
        completed=Capped(completed[:LIST_LIMIT], len(completed)),
        new_updates=_capped(updates),
        target_moves=_capped(moves),
        new_council_actions=_capped(new_council),
    )


def report_actions() -> list[Theme]:
    """Each current theme with its actions, their lead partners, narrative and council input."""
    from django.db.models import Prefetch

    from .models import ActionPartner

    actions = StrategyAction.objects.select_related("last_update__author").prefetch_related(
        Prefetch(
            "responsible_partners",
            queryset=ActionPartner.objects.select_related("partner"),
        ),
        Prefetch(
            "council_actions",
            queryset=CouncilAction.objects.select_related("last_input__author", "responsible_unit"),
        ),
    )
    return list(
        Theme.objects.filter(
            strategy__status=Strategy.Status.CURRENT, strategy__kind=Strategy.Kind.STRATEGY
        )
        .select_related("strategy")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("strategy__title", "number")
    )
