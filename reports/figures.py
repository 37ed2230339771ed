"""The figures on the Cabinet dashboard and in the Cabinet report.

Every figure is rolled up in the database in a fixed number of queries, whatever
the size of the plan; lists of exceptions are capped, with a count of the rest
and a link to the filtered plan. Scope: the actions of current strategies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from actions import voices
from actions.models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    CouncilInput,
    ProgressUpdate,
    StrategyAction,
)
from actions.status import SEVERITY, WORRYING, Status
from monitoring.selectors import current_round
from strategy.models import CorporatePriority
from themes.models import Theme

from .models import CabinetReport

LIST_LIMIT = 20


def current_strategy_actions() -> QuerySet[StrategyAction]:
    return StrategyAction.objects.in_current_plans()


def current_council_actions() -> QuerySet[CouncilAction]:
    return CouncilAction.objects.in_current_plans()


def current_themes() -> QuerySet[Theme]:
    """Every theme of the current plans, in the order the dashboard and the report list them."""
    return (
        Theme.objects.in_current_plans()
        .select_related("strategy")
        .order_by("strategy__title", "number")
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


@dataclass
class Summary:
    """Counts by status, overall progress and progress by theme."""

    counts: list[StatusCount]
    overall: Progress
    themes: list[Progress]


def summary() -> Summary:
    """One grouped query per side (strategy, council) by theme and status gives every figure."""
    counts = {s: StatusCount(s) for s in Status}
    overall = Progress("All actions")
    by_theme: dict[int, Progress] = {}
    sides = (
        ("strategy", current_strategy_actions(), "theme_id"),
        ("council", current_council_actions(), "strategy_action__theme_id"),
    )
    for side, queryset, theme_key in sides:
        grouped = (
            queryset.values_list(theme_key, "status")
            .annotate(n=Count("pk"), total=Sum("percent_complete"))
            .order_by()
        )
        for theme_id, status, n, total in grouped:
            row = counts[Status(status)]
            setattr(row, side, getattr(row, side) + n)
            for progress in (overall, by_theme.setdefault(theme_id, Progress(""))):
                setattr(progress, f"{side}_count", getattr(progress, f"{side}_count") + n)
                setattr(progress, f"{side}_sum", getattr(progress, f"{side}_sum") + (total or 0))
    themes = []
    for theme in current_themes():
        row = by_theme.get(theme.pk, Progress(""))
        row.label = f"Theme {theme.number}: {theme.title}"
        themes.append(row)
    return Summary(list(counts.values()), overall, themes)


def _count_and_sum(queryset, key: str, percent: str = "percent_complete") -> dict:
    """{key value: (number of actions, sum of their percent complete)}."""
    return {
        row[key]: (row["n"], row["total"] or 0)
        for row in queryset.values(key).annotate(n=Count(percent), total=Sum(percent))
    }


def progress_by_priority() -> list[Progress]:
    """A proposed council action counts under the priorities of the strategy action it serves."""
    links = ActionPriority.objects.filter(
        strategy_action__theme_id__in=current_themes().values("pk")
    )
    strategy = _count_and_sum(links, "priority_id", "strategy_action__percent_complete")
    council = _count_and_sum(
        links, "priority_id", "strategy_action__council_actions__percent_complete"
    )
    rows = []
    # Only the priorities some action is linked to: the report links none to single actions.
    for priority in CorporatePriority.objects.filter(pk__in=strategy).order_by("number"):
        row = Progress(priority.title)
        row.strategy_count, row.strategy_sum = strategy[priority.pk]
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


def _worrying_count(counts: list[StatusCount] | None, side: str, queryset) -> int:
    """From the summary's counts when given (no extra query), else counted."""
    if counts is None:
        return queryset.count()
    return sum(getattr(row, side) for row in counts if row.status in WORRYING)


def off_track_and_at_risk(counts: list[StatusCount] | None = None) -> Capped:
    queryset = _listed(current_strategy_actions().worrying())
    return Capped(list(queryset[:LIST_LIMIT]), _worrying_count(counts, "strategy", queryset))


def council_off_track_and_at_risk(counts: list[StatusCount] | None = None) -> Capped:
    queryset = (
        current_council_actions()
        .worrying()
        .select_related("strategy_action", "responsible_unit", "last_input__author")
        .order_by("strategy_action__theme__number", "strategy_action__position", "position")
    )
    return Capped(list(queryset[:LIST_LIMIT]), _worrying_count(counts, "council", queryset))


def overdue(today: datetime.date) -> Capped:
    return _capped(_listed(current_strategy_actions().overdue(today)))


def slipped() -> Capped:
    """Revised target later than the original, with the reason given for the latest revision."""
    reason = (
        ProgressUpdate.objects.filter(
            strategy_action=OuterRef("pk"), revised_target_date__isnull=False
        )
        .order_by("-created_at", "-pk")
        .values("revision_reason")[:1]
    )
    return _capped(
        _listed(
            current_strategy_actions().filter(revised_target_date__gt=F("original_target_date"))
        ).annotate(slip_reason=Subquery(reason))
    )


def without_update_this_round() -> Capped | None:
    """Open actions with no update in the open round: two id lists compared in Python,
    cheaper than NOT EXISTS over every update."""
    round_ = current_round()
    if round_ is None:
        return None
    updated = set(
        ProgressUpdate.objects.filter(round=round_)
        .values_list("strategy_action_id", flat=True)
        .order_by()
        .distinct()
    )
    ids = sorted(
        pk
        for pk in current_strategy_actions().open().values_list("pk", flat=True)
        if pk not in updated
    )
    return Capped(list(_listed(StrategyAction.objects.filter(pk__in=ids[:LIST_LIMIT]))), len(ids))


def views_disagree() -> Capped:
    """Actions where the Forum's and the council's views are more than one RAG step apart.

    Two lean grouped queries (each action's status; the worst status of its proposed
    council actions), compared with the same rule as the action pages (actions/voices.py).
    """
    worst = dict(current_council_actions().council_views().values_list("strategy_action", "worst"))
    ids = sorted(
        pk
        for pk, status in current_strategy_actions().values_list("pk", "status").order_by()
        if pk in worst
        and voices.views_differ(voices.View(Status(status)), voices.View(SEVERITY[worst[pk]]))
    )
    listed = _listed(StrategyAction.objects.filter(pk__in=ids[:LIST_LIMIT])).prefetch_related(
        "council_actions__last_input__author"
    )
    return Capped(list(listed), len(ids))


def recent_updates(limit: int = 10) -> list:
    """The newest progress updates and council input together, newest first (two queries)."""
    updates = list(
        ProgressUpdate.objects.select_related("strategy_action", "author", "organisation").order_by(
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
    action: object  # a strategy action or a proposed council action
    old: Status | None  # None: the action is new since then
    new: Status


@dataclass
class Changes:
    """What changed since a report or a date, for both voices."""

    since: datetime.datetime
    snapshot: CabinetReport | None
    status_changes: Capped
    council_status_changes: Capped
    completed: Capped
    new_updates: Capped
    new_inputs: Capped
    target_moves: Capped
    council_target_moves: Capped
    decisions: Capped
    new_council_actions: Capped


def _listed_council(queryset) -> QuerySet:
    return queryset.select_related(
        "strategy_action", "responsible_unit", "last_input__author"
    ).order_by("strategy_action__theme__number", "strategy_action__position", "position")


def _status_at(history, moment) -> Subquery:
    return Subquery(
        history.filter(id=OuterRef("pk"), history_date__lte=moment)
        .order_by("-history_date")
        .values("status")[:1]
    )


def _statuses(report: CabinetReport, side: str) -> dict[int, str]:
    return {int(pk): row["status"] for pk, row in report.data.get(side, {}).items()}


def _status_changes(
    actions, *, side: str, since, snapshot, until=None, until_snapshot=None
) -> list[StatusChange]:
    """The actions (already listed) whose status at the end of the window differs from its
    status at the start. Only actions changed in the window are read, so the work follows
    what changed, not the size of the plan.

    The start is a report's figures where there is a report, else the history; the end is
    a later report's figures, else the history at `until`, else the action as it is now.
    """
    history = actions.model.history.model.objects
    window = Q(history_date__gt=since) & (Q(history_date__lte=until) if until else Q())
    candidates = actions.filter(Exists(history.filter(window, id=OuterRef("pk"))))
    if snapshot is None:
        candidates = candidates.annotate(then=_status_at(history, since))
    if until_snapshot is None and until is not None:
        candidates = candidates.annotate(later=_status_at(history, until))
    then = _statuses(snapshot, side) if snapshot is not None else {}
    later = _statuses(until_snapshot, side) if until_snapshot is not None else {}
    changes = []
    for action in candidates:
        before = then.get(action.pk) if snapshot is not None else action.then
        if until_snapshot is not None:
            after = later.get(action.pk)
        else:
            after = action.later if until is not None else action.status
        if after and before != after:
            changes.append(StatusChange(action, Status(before) if before else None, Status(after)))
    return changes


def changes_since(
    *,
    since: datetime.datetime,
    snapshot: CabinetReport | None = None,
    until: datetime.datetime | None = None,
    until_snapshot: CabinetReport | None = None,
) -> Changes:
    """What changed after `since` (and up to `until`, for a report as generated) on both
    sides: the Forum's strategy actions and updates, and the council's proposed council
    actions, input and decisions."""
    window = {
        "since": since,
        "snapshot": snapshot,
        "until": until,
        "until_snapshot": until_snapshot,
    }
    status_changes = _status_changes(_listed(current_strategy_actions()), side="strategy", **window)
    council_changes = _status_changes(
        _listed_council(current_council_actions()), side="council", **window
    )
    completed = [c for c in status_changes + council_changes if c.new == Status.COMPLETED]

    made = Q(created_at__gt=since) & (Q(created_at__lte=until) if until else Q())
    updates = (
        ProgressUpdate.objects.filter(made)
        .select_related("strategy_action", "author", "organisation")
        .order_by("-created_at", "-pk")
    )
    inputs = (
        CouncilInput.objects.filter(made)
        .select_related("council_action", "author", "organisation")
        .order_by("-created_at", "-pk")
    )
    history = CouncilAction.history.model.objects.filter(
        Q(history_date__gt=since) & (Q(history_date__lte=until) if until else Q()),
        id=OuterRef("pk"),
    )
    added_at = Q(added_at__gt=since) & (Q(added_at__lte=until) if until else Q())
    new_council = (
        current_council_actions()
        .filter(added_at | Exists(history.filter(history_type="+")))
        .select_related("strategy_action", "responsible_unit", "added_by")
        .order_by("-added_at", "-pk")
    )
    # A decision recorded through the product in the window: dated within it, and the
    # proposed council action changed within it.
    dated = Q(decided_on__gte=timezone.localdate(since))
    if until:
        dated &= Q(decided_on__lte=timezone.localdate(until))
    decisions = (
        current_council_actions()
        .filter(dated, Exists(history), decided_by__isnull=False)
        .select_related("strategy_action", "decided_by")
        .order_by("-decided_on", "-pk")
    )
    return Changes(
        since=since,
        snapshot=snapshot,
        status_changes=Capped(status_changes[: LIST_LIMIT * 5], len(status_changes)),
        council_status_changes=Capped(council_changes[: LIST_LIMIT * 5], len(council_changes)),
        completed=Capped(completed[:LIST_LIMIT], len(completed)),
        new_updates=_capped(updates),
        new_inputs=_capped(inputs),
        target_moves=_capped(updates.filter(revised_target_date__isnull=False)),
        council_target_moves=_capped(inputs.filter(revised_target_date__isnull=False)),
        decisions=_capped(decisions),
        new_council_actions=_capped(new_council),
    )


def report_actions() -> list[Theme]:
    """Each current theme with its actions, their lead partners, narrative and council input."""
    actions = StrategyAction.objects.select_related("last_update__author").prefetch_related(
        "sub_points",
        Prefetch(
            "responsible_partners",
            queryset=ActionPartner.objects.select_related("partner"),
        ),
        Prefetch(
            "council_actions",
            queryset=CouncilAction.objects.select_related("last_input__author", "responsible_unit"),
        ),
    )
    return list(current_themes().prefetch_related(Prefetch("actions", queryset=actions)))
