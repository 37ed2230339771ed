"""The figures on the Cabinet dashboard and in the Cabinet report.

Every figure is rolled up in the database in a fixed number of queries, whatever
the size of the plan; lists of exceptions are capped, with a count of the rest
and a link to the filtered plan. Scope: the actions of current strategies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from actions.models import (
    ActionPartner,
    CouncilAction,
    CouncilInput,
    Milestone,
    ProgressUpdate,
    StrategyAction,
)
from actions.status import WORRYING, Status
from monitoring.selectors import current_round
from strategy.models import CorporatePriority
from themes.models import Theme

from . import rollups
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
    slipped: int = 0  # strategy actions whose revised target date is later than the original

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


ANY_ROUND = object()


def _kept_column(key: str) -> list:
    """`key` of each current theme's kept figures (one query); computed for a theme without
    them (none, unless loaded in bulk)."""
    rows = list(Theme.objects.in_current_plans().values_list("pk", "rollup__pk", f"rollup__{key}"))
    missing = [pk for pk, row, _ in rows if row is None]
    computed = rollups.compute_themes(missing) if missing else {}
    return [computed[pk][key] if pk in computed else value for pk, _, value in rows]


def _kept_total(key: str, round_id=ANY_ROUND) -> tuple[int, dict[int, dict]]:
    """The sum of `key` over the current themes' kept figures (one aggregate query), and
    the figures, computed as they are now, of the themes without kept ones (or kept for
    another open round than `round_id`, when given)."""
    themes = Theme.objects.in_current_plans()
    stale = Q(rollup__isnull=True)
    if round_id is not ANY_ROUND:
        stale |= Q(rollup__round_id__isnull=True) | ~Q(rollup__round_id=round_id)
    kept = themes.aggregate(
        total=Coalesce(Sum(f"rollup__{key}", filter=~stale), 0),
        stale=Count("pk", filter=stale),
    )
    if not kept["stale"]:
        return kept["total"], {}
    return kept["total"], rollups.compute_themes(themes.filter(stale).values_list("pk", flat=True))


def _first_ids(key: str, round_id=ANY_ROUND) -> tuple[list[int], int]:
    """The first LIST_LIMIT ids of a list kept per theme, by id, and how many in all: only
    the lists of the LIST_LIMIT themes whose lists start lowest are read."""
    count, computed = _kept_total(f"{key}_count", round_id)
    lists = [data[key] for data in computed.values()]
    count += sum(len(ids) for ids in lists)
    fresh = Theme.objects.in_current_plans().exclude(pk__in=list(computed))
    lists += (
        fresh.filter(**{f"rollup__{key}_first__isnull": False})
        .order_by(f"rollup__{key}_first")
        .values_list(f"rollup__{key}", flat=True)[:LIST_LIMIT]
    )
    return sorted(pk for ids in lists for pk in ids)[:LIST_LIMIT], count


TOTALS = ("strategy_count", "strategy_sum", "council_count", "council_sum")

#: Up to this many corporate priorities are summed by the database; more, in Python.
PRIORITIES_SUMMED_IN_SQL = 30


def _kept_int(column: str, key: str, index: int) -> Cast:
    """A whole number in a kept JSON column: column[key][index], as the database reads it."""
    return Cast(
        KeyTextTransform(str(index), KeyTransform(key, f"rollup__{column}")), IntegerField()
    )


def _missing_themes(themes: QuerySet) -> dict[int, dict]:
    """The figures of these themes that have no kept ones (none, unless loaded in bulk)."""
    return rollups.compute_themes(themes.filter(rollup__isnull=True).values_list("pk", flat=True))


def summary() -> Summary:
    """Counts by status (one aggregate query), overall and by theme (one row each), from the
    figures kept per theme."""
    kept = Theme.objects.in_current_plans()
    by_status = kept.aggregate(
        **{
            f"{side}_{status}": Coalesce(Sum(_kept_int(side, status, 0)), 0)
            for side in ("strategy", "council")
            for status in Status.values
        }
    )
    rows = list(
        current_themes().values_list(
            "pk",
            "number",
            "title",
            "rollup__pk",
            "rollup__slipped",
            *(f"rollup__{t}" for t in TOTALS),
        )
    )
    missing = [pk for pk, _, _, row, *_ in rows if row is None]
    computed = rollups.compute_themes(missing) if missing else {}
    for data in computed.values():
        for side in ("strategy", "council"):
            for status, (n, _) in data[side].items():
                by_status[f"{side}_{status}"] += n
    counts = [
        StatusCount(s, by_status[f"strategy_{s.value}"], by_status[f"council_{s.value}"])
        for s in Status
    ]
    overall = Progress("All actions")
    themes = []
    for pk, number, title, _, slipped, *totals in rows:
        row = Progress(f"Theme {number}: {title}", slipped=slipped or 0)
        if pk in computed:
            totals = [computed[pk][t] for t in TOTALS]
            row.slipped = computed[pk]["slipped"]
        row.strategy_count, row.strategy_sum, row.council_count, row.council_sum = totals
        for total in (*TOTALS, "slipped"):
            setattr(overall, total, getattr(overall, total) + getattr(row, total))
        themes.append(row)
    return Summary(counts, overall, themes)


def progress_by_priority() -> list[Progress]:
    """A proposed council action counts under the priorities of the strategy action it serves.

    Summed by the database from the figures kept per theme (one aggregate query)."""
    priorities = list(CorporatePriority.objects.order_by("number"))
    sums: dict[int, list[int]] = {p.pk: [0, 0, 0, 0] for p in priorities}
    if len(priorities) <= PRIORITIES_SUMMED_IN_SQL:
        kept = Theme.objects.in_current_plans()
        totals = kept.aggregate(
            missing=Count("pk", filter=Q(rollup__isnull=True)),
            **{
                f"p{p.pk}_{i}": Coalesce(Sum(_kept_int("priorities", f"p{p.pk}", i)), 0)
                for p in priorities
                for i in range(4)
            },
        )
        for p in priorities:
            sums[p.pk] = [totals[f"p{p.pk}_{i}"] for i in range(4)]
        missing = _missing_themes(kept) if totals["missing"] else {}
        kept_figures = [data["priorities"] for data in missing.values()]
    else:
        kept_figures = _kept_column("priorities")
    for figures in kept_figures:
        for key, values in figures.items():
            total = sums.setdefault(int(key[1:]), [0, 0, 0, 0])
            for i, value in enumerate(values):
                total[i] += value
    rows = []
    # Only the priorities some action is linked to: the report links none to single actions.
    for priority in priorities:
        if sums[priority.pk][0]:
            row = Progress(priority.title)
            row.strategy_count, row.strategy_sum, row.council_count, row.council_sum = sums[
                priority.pk
            ]
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
    ).order_by("plan_position")  # indexed (actions/ordering.py): the first few, not a sort


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
        .order_by("plan_position")
    )
    return Capped(list(queryset[:LIST_LIMIT]), _worrying_count(counts, "council", queryset))


def overdue(today: datetime.date) -> Capped:
    """Counted per theme: the count kept for the day it was computed holds until the theme's
    next target date, so only the themes where one has passed since are counted again (from
    their open actions' target dates, kept too). The first few are listed."""
    themes = Theme.objects.in_current_plans()
    stale = (
        Q(rollup__isnull=True)
        | Q(rollup__overdue_as_of__isnull=True)
        | Q(rollup__overdue_as_of__gt=today)
        | Q(rollup__next_target__lt=today)
    )
    kept = themes.aggregate(
        n=Coalesce(Sum("rollup__overdue_count", filter=~stale), 0), stale=Count("pk", filter=stale)
    )
    count = kept["n"]
    again = []
    if kept["stale"]:
        again = list(themes.filter(stale).values_list("pk", "rollup__pk", "rollup__targets"))
    missing = [pk for pk, row, _ in again if row is None]
    computed = rollups.compute_themes(missing) if missing else {}
    day = today.isoformat()
    for pk, _, targets in again:
        targets = computed[pk]["targets"] if pk in computed else targets
        count += sum(n for target, n in targets.items() if target < day)
    return Capped(list(_listed(current_strategy_actions().overdue(today))[:LIST_LIMIT]), count)


def overdue_milestones(today: datetime.date) -> Capped:
    """Milestones not done and due before `today`, of open actions in the current plans (of
    either kind), the earliest due first: two queries, through the index of open milestones."""
    open_strategy = current_strategy_actions().open().values("pk")
    open_council = current_council_actions().open().values("pk")
    queryset = (
        Milestone.objects.overdue(today)
        .filter(Q(strategy_action__in=open_strategy) | Q(council_action__in=open_council))
        .select_related("strategy_action", "council_action", "owner")
        .order_by("due_date", "pk")
    )
    return _capped(queryset)


def slipped() -> Capped:
    """Revised target later than the original, with the reason given for the latest revision."""
    reason = (
        ProgressUpdate.objects.filter(
            strategy_action=OuterRef("pk"), revised_target_date__isnull=False
        )
        .order_by("-created_at", "-pk")
        .values("revision_reason")[:1]
    )
    queryset = _listed(
        current_strategy_actions().filter(revised_target_date__gt=F("original_target_date"))
    ).annotate(slip_reason=Subquery(reason))
    count, computed = _kept_total("slipped")  # counted per theme
    count += sum(data["slipped"] for data in computed.values())
    return Capped(list(queryset[:LIST_LIMIT]), count)


def without_update_this_round() -> Capped | None:
    """Open actions with no update in the open round, kept per theme for that round."""
    round_ = current_round()
    if round_ is None:
        return None
    ids, count = _first_ids("no_update", round_id=round_.pk)
    return Capped(list(_listed(StrategyAction.objects.filter(pk__in=ids))), count)


def views_disagree() -> Capped:
    """Actions where the Forum's and the council's views are more than one RAG step apart.

    Which they are is kept per theme (reports/rollups.py), with the same rule as the action
    pages (actions/voices.py); the first few by id are then listed.
    """
    ids, count = _first_ids("disagree")
    listed = _listed(StrategyAction.objects.filter(pk__in=ids)).prefetch_related(
        "council_actions__last_input__author"
    )
    return Capped(list(listed), count)


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
    percent_changes: Capped
    council_percent_changes: Capped
    new_strategy_actions: Capped
    completed: Capped
    new_updates: Capped
    new_inputs: Capped
    target_moves: Capped
    council_target_moves: Capped
    decisions: Capped
    new_council_actions: Capped
    corrections: Capped  # approved corrections of closed rounds' updates and input


def _listed_council(queryset) -> QuerySet:
    return queryset.select_related(
        "strategy_action", "responsible_unit", "last_input__author"
    ).order_by("plan_position")  # indexed (actions/ordering.py)


def _at(history, moment, field: str) -> Subquery:
    """An action's `field` as its history had it at `moment`."""
    return Subquery(
        history.filter(id=OuterRef("pk"), history_date__lte=moment)
        .order_by("-history_date")
        .values(field)[:1]
    )


def _kept(report: CabinetReport, side: str, field: str) -> dict[int, object]:
    return {int(pk): row.get(field) for pk, row in report.data.get(side, {}).items()}


#: (pk, before, after) of one action whose status (or percent complete) changed, in plan order.
Moved = tuple[int, object, object]


def _moves(
    actions, *, side: str, since, snapshot, until=None, until_snapshot=None
) -> tuple[list[Moved], list[Moved]]:
    """The actions whose status, and those whose percent complete, at the end of the window
    differ from the start, each as (pk, before, after) in plan order. Only actions changed in
    the window are read, and only their ids, statuses and percents (one pass), so the work
    follows what changed, lightly; the few shown are loaded by `_loaded`.

    The start is a report's figures where there is a report, else the history; the end is
    a later report's figures, else the history at `until`, else the action as it is now.
    """
    history = actions.model.history.model.objects
    window = Q(history_date__gt=since) & (Q(history_date__lte=until) if until else Q())
    candidates = actions.filter(Exists(history.filter(window, id=OuterRef("pk"))))
    unread = {  # that end is read from a report
        "status": Value(None, output_field=CharField()),
        "percent_complete": Value(None, output_field=IntegerField()),
    }
    ends = {}
    for field, short in (("status", "s"), ("percent_complete", "p")):
        ends[f"then_{short}"] = _at(history, since, field) if snapshot is None else unread[field]
        ends[f"later_{short}"] = (
            _at(history, until, field) if until_snapshot is None and until else unread[field]
        )
    candidates = candidates.annotate(**ends)
    fields = ("status", "percent_complete")
    then = {f: _kept(snapshot, side, f) for f in fields} if snapshot is not None else {}
    later = {f: _kept(until_snapshot, side, f) for f in fields} if until_snapshot else {}
    statuses, percents = [], []
    rows = candidates.values_list("pk", *fields, "then_s", "then_p", "later_s", "later_p").order_by(
        "plan_position"
    )
    for pk, status, percent, then_s, then_p, later_s, later_p in rows.iterator(chunk_size=5000):
        now = {"status": status, "percent_complete": percent}
        at_start = {"status": then_s, "percent_complete": then_p}
        at_end = {"status": later_s, "percent_complete": later_p}
        for field, moved in (("status", statuses), ("percent_complete", percents)):
            before = then[field].get(pk) if snapshot is not None else at_start[field]
            if until_snapshot is not None:
                after = later[field].get(pk)
            else:
                after = at_end[field] if until is not None else now[field]
            if after is not None and after != "" and before != after:
                moved.append((pk, before, after))
    return statuses, percents


@dataclass
class PercentChange:
    action: object
    old: int | None  # None: the action is new since then
    new: int


def _loaded(actions, moved: list[Moved], limit: int, make=None) -> Capped:
    """The first `limit` of `moved` as StatusChanges (or what `make` makes), with the count."""
    make = make or (
        lambda action, before, after: StatusChange(
            action, Status(before) if before else None, Status(after)
        )
    )
    shown = moved[:limit]
    by_pk = actions.in_bulk([pk for pk, _, _ in shown])
    items = [make(by_pk[pk], before, after) for pk, before, after in shown if pk in by_pk]
    return Capped(items, len(moved))


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
    strategy_actions = _listed(current_strategy_actions())
    council_actions = _listed_council(current_council_actions())
    status_changes, percent_changes = _moves(strategy_actions, side="strategy", **window)
    council_changes, council_percents = _moves(council_actions, side="council", **window)
    done = Status.COMPLETED.value
    completed = _loaded(strategy_actions, [m for m in status_changes if m[2] == done], LIST_LIMIT)
    completed_council = _loaded(
        council_actions,
        [m for m in council_changes if m[2] == done],
        max(LIST_LIMIT - len(completed.items), 0),
    )

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
    in_window = Q(history_date__gt=since) & (Q(history_date__lte=until) if until else Q())
    history = CouncilAction.history.model.objects.filter(in_window, id=OuterRef("pk"))
    added_at = Q(added_at__gt=since) & (Q(added_at__lte=until) if until else Q())
    # Added after the report, or made (through the admin, a fixture) in the window: two
    # indexed reads joined as a UNION, so the work follows what was added, not the plan.
    made = CouncilAction.history.model.objects.filter(in_window, history_type="+")
    added = (
        CouncilAction.objects.filter(added_at)
        .order_by()
        .values("pk")
        .union(made.order_by().values("id"))
    )
    new_council = (
        current_council_actions()
        .filter(pk__in=added)
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
        status_changes=_loaded(strategy_actions, status_changes, LIST_LIMIT * 5),
        council_status_changes=_loaded(council_actions, council_changes, LIST_LIMIT * 5),
        percent_changes=_loaded(strategy_actions, percent_changes, LIST_LIMIT, PercentChange),
        council_percent_changes=_loaded(
            council_actions, council_percents, LIST_LIMIT, PercentChange
        ),
        new_strategy_actions=_capped(
            _listed(current_strategy_actions()).filter(
                pk__in=StrategyAction.history.model.objects.filter(
                    in_window, history_type="+"
                ).values("id")
            )
        ),
        completed=Capped(
            completed.items + completed_council.items, completed.count + completed_council.count
        ),
        new_updates=_capped(updates),
        new_inputs=_capped(inputs),
        target_moves=_capped(updates.filter(revised_target_date__isnull=False)),
        council_target_moves=_capped(inputs.filter(revised_target_date__isnull=False)),
        decisions=_capped(decisions),
        new_council_actions=_capped(new_council),
        corrections=_corrections(since, until),
    )


def _corrections(since, until) -> Capped:
    """Corrections approved in the window, of both voices, newest first."""
    approved = Q(reviewed_at__gt=since, corrects__isnull=False) & (
        Q(reviewed_at__lte=until) if until else Q()
    )
    corrections = [
        *ProgressUpdate.objects.filter(approved)
        .select_related("strategy_action", "corrects", "author")
        .order_by("-reviewed_at")[:LIST_LIMIT],
        *CouncilInput.objects.filter(approved)
        .select_related("council_action", "corrects", "author")
        .order_by("-reviewed_at")[:LIST_LIMIT],
    ]
    count = (
        ProgressUpdate.objects.filter(approved).count()
        + CouncilInput.objects.filter(approved).count()
    )
    corrections.sort(key=lambda record: record.reviewed_at, reverse=True)
    return Capped(corrections[:LIST_LIMIT], count)


#: The Cabinet report lists every action only up to this many; a larger plan's report keeps
#: its figures, exceptions, theme table and changes, and points to the spreadsheet for the
#: full list (so that the report, and making it, stays bounded however large the plan).
REPORT_LIST_MAX = 200


def report_actions() -> list[Theme] | None:
    """Each current theme with its actions, their lead partners, narrative and council input;
    None when the current plans have more than REPORT_LIST_MAX actions."""
    if len(current_strategy_actions().values("pk")[: REPORT_LIST_MAX + 1]) > REPORT_LIST_MAX:
        return None
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
