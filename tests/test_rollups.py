"""The dashboard's figures kept per theme (reports/rollups.py) stay equal to a full
recomputation after every kind of write, and the dashboard reads them in a fixed number of
queries however many themes and actions there are."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import voices
from actions.models import ActionPriority, CouncilAction, StrategyAction
from actions.status import CLOSED, SEVERITY, WORRYING, Status
from monitoring import services as round_services
from monitoring.selectors import current_round
from reports import figures, rollups
from reports.models import ThemeRollup
from strategy.models import Strategy
from tests.factories import (
    ActionPriorityFactory,
    CorporatePriorityFactory,
    CouncilActionFactory,
    MonitoringRoundFactory,
    StrategyActionFactory,
    StrategyFactory,
    ThemeFactory,
)
from tests.helpers import post_update, queries_for, record_input
from themes.models import Theme

pytestmark = pytest.mark.django_db


# --- A full recomputation, written plainly from the records -----------------------------------


def _average(total, count):
    return (2 * total + count) // (2 * count) if count else None


def expected() -> dict:
    """Every figure the roll-ups feed, recomputed from every record of the current plans."""
    themes = list(figures.current_themes())
    actions = [a for a in StrategyAction.objects.all() if a.theme in themes]
    council = [c for c in CouncilAction.objects.all() if c.strategy_action in actions]
    counts = {s: [0, 0] for s in Status}
    by_theme = {t.pk: [0, 0, 0, 0] for t in themes}
    for a in actions:
        counts[Status(a.status)][0] += 1
        by_theme[a.theme_id][0] += 1
        by_theme[a.theme_id][1] += a.percent_complete
    for c in council:
        counts[Status(c.status)][1] += 1
        by_theme[c.strategy_action.theme_id][2] += 1
        by_theme[c.strategy_action.theme_id][3] += c.percent_complete
    priorities = {}
    for link in ActionPriority.objects.select_related("priority"):
        if link.strategy_action in actions:
            row = priorities.setdefault(link.priority.title, [0, 0, 0, 0])
            row[0] += 1
            row[1] += link.strategy_action.percent_complete
            for c in link.strategy_action.council_actions.all():
                row[2] += 1
                row[3] += c.percent_complete
    disagree = []
    for a in actions:
        mine = [c for c in council if c.strategy_action_id == a.pk and c.status != Status.WITHDRAWN]
        if mine:
            worst = min(mine, key=lambda c: SEVERITY.index(Status(c.status)))
            if voices.views_differ(
                voices.View(Status(a.status)), voices.View(Status(worst.status))
            ):
                disagree.append(a.pk)
    today = timezone.localdate()
    open_ = [a for a in actions if a.status not in CLOSED]
    round_ = current_round()
    no_update = None
    if round_ is not None:
        updated = set(round_.updates.values_list("strategy_action_id", flat=True))
        no_update = _first_of([a.pk for a in open_ if a.pk not in updated])
    return {
        "counts": {s: tuple(v) for s, v in counts.items()},
        "themes": [(f"Theme {t.number}: {t.title}", *by_theme[t.pk]) for t in themes],
        "overall": tuple(sum(row[i] for row in by_theme.values()) for i in range(4)),
        "priorities": priorities,
        "disagree": _first_of(disagree),
        "slipped": sum(
            1
            for a in actions
            if a.original_target_date
            and a.revised_target_date
            and a.revised_target_date > a.original_target_date
        ),
        "overdue": sum(1 for a in open_ if a.target_date and a.target_date < today),
        "no_update": no_update,
        "worrying": (
            sum(1 for a in actions if a.status in WORRYING),
            sum(1 for c in council if c.status in WORRYING),
        ),
    }


def _first(capped) -> tuple:
    """How many a list has, and which it shows (the first few by id)."""
    return capped.count, sorted(a.pk for a in capped.items)


def _first_of(ids) -> tuple:
    return len(ids), sorted(ids)[: figures.LIST_LIMIT]


def shown() -> dict:
    """The same figures as the dashboard computes them."""
    summary = figures.summary()
    progress = lambda r: (r.strategy_count, r.strategy_sum, r.council_count, r.council_sum)  # noqa: E731
    no_update = figures.without_update_this_round()
    return {
        "counts": {row.status: (row.strategy, row.council) for row in summary.counts},
        "themes": [(row.label, *progress(row)) for row in summary.themes],
        "overall": progress(summary.overall),
        "priorities": {row.label: list(progress(row)) for row in figures.progress_by_priority()},
        "disagree": _first(figures.views_disagree()),
        "slipped": figures.slipped().count,
        "overdue": figures.overdue(timezone.localdate()).count,
        "no_update": None if no_update is None else _first(no_update),
        "worrying": (
            figures.off_track_and_at_risk(summary.counts).count,
            figures.council_off_track_and_at_risk(summary.counts).count,
        ),
    }


def assert_up_to_date():
    """The kept rows equal the rows computed afresh, theme by theme, and what the
    dashboard shows equals a plain recomputation from the records."""
    kept = {
        row.pk: {k: getattr(row, k) for k in rollups.empty()} for row in ThemeRollup.objects.all()
    }
    assert set(kept) == set(Theme.objects.values_list("pk", flat=True))
    assert kept == rollups.compute_themes(kept)
    assert shown() == expected()


@pytest.fixture
def plan(world):
    """Two current themes with actions, council actions, a priority link and some progress."""
    author, officer = world.personas["coordinator"], world.personas["officer"]
    theme_a = world.action.theme
    theme_b = ThemeFactory(strategy=theme_a.strategy)
    a2 = StrategyActionFactory(theme=theme_a, original_target_date=datetime.date(2020, 1, 1))
    b1 = StrategyActionFactory(theme=theme_b, original_target_date=datetime.date(2030, 1, 1))
    b1_council = CouncilActionFactory(strategy_action=b1)
    post_update(world.action, author, Status.ON_TRACK, 60)
    post_update(a2, author, Status.OFF_TRACK, 20)
    post_update(b1, author, Status.COMPLETED, 100)
    record_input(b1_council, officer, Status.AT_RISK, 30)
    priority = CorporatePriorityFactory(title="United and involved communities")
    ActionPriorityFactory(strategy_action=a2, priority=priority)
    return {
        "a1": world.action,
        "a2": a2,
        "b1": b1,
        "b1_council": b1_council,
        "theme_a": theme_a,
        "theme_b": theme_b,
        "priority": priority,
        "author": author,
        "officer": officer,
    }


def test_the_plan_as_made_is_up_to_date(plan):
    assert_up_to_date()
    assert shown()["disagree"] == (1, [plan["b1"].pk])  # completed, its council action at risk


def test_an_update_posted(plan):
    post_update(
        plan["a2"],
        plan["author"],
        Status.AT_RISK,
        35,
        revised_target_date=datetime.date(2031, 1, 31),
        revision_reason="Waiting for funding",
    )
    assert_up_to_date()
    assert shown()["slipped"] == 1
    assert shown()["overdue"] == 0  # its target is now 2031


def test_council_input_recorded(world, plan):
    record_input(world.council_action, plan["officer"], Status.OFF_TRACK, 5)
    assert_up_to_date()
    assert plan["a1"].pk in shown()["disagree"][1]  # on track, its council action off track


def test_a_status_saved_as_the_admin_does(plan):
    action = StrategyAction.objects.get(pk=plan["a2"].pk)
    action.status = Status.COMPLETED
    action.percent_complete = 100
    action.save()
    council = CouncilAction.objects.get(pk=plan["b1_council"].pk)
    council.status = Status.WITHDRAWN
    council.save()
    assert_up_to_date()


def test_an_action_deleted(plan):
    plan["b1"].delete()  # and its council action with it
    assert_up_to_date()
    plan["a2"].delete()  # and its priority link
    assert_up_to_date()


def test_an_action_moved_to_another_theme(plan):
    action = StrategyAction.objects.get(pk=plan["a2"].pk)
    action.theme = plan["theme_b"]
    action.save()
    assert_up_to_date()


def test_a_council_action_moved_to_an_action_in_another_theme(world, plan):
    council = CouncilAction.objects.get(pk=world.council_action.pk)
    council.strategy_action = plan["b1"]
    council.save()
    assert_up_to_date()


def test_priorities_linked_and_unlinked_every_way(plan):
    other = CorporatePriorityFactory(title="A fairer economy")
    plan["a1"].corporate_priorities.add(plan["priority"])  # m2m, from the action
    assert_up_to_date()
    other.strategy_actions.add(plan["b1"], plan["a2"])  # m2m, from the priority
    assert_up_to_date()
    ActionPriorityFactory(strategy_action=plan["b1"], priority=plan["priority"])  # a record
    assert_up_to_date()
    plan["a1"].corporate_priorities.remove(plan["priority"])
    assert_up_to_date()
    other.strategy_actions.clear()
    assert_up_to_date()
    ActionPriority.objects.get(strategy_action=plan["b1"], priority=plan["priority"]).delete()
    assert_up_to_date()


def test_many_priorities_are_summed_in_python_alike(plan, monkeypatch):
    other = CorporatePriorityFactory(title="A fairer economy")
    other.strategy_actions.add(plan["b1"], plan["a1"])
    expected_now = expected()
    assert shown() == expected_now
    monkeypatch.setattr(figures, "PRIORITIES_SUMMED_IN_SQL", 1)
    assert shown() == expected_now
    ThemeRollup.objects.filter(theme=plan["theme_b"]).delete()  # and without a kept row
    assert shown() == expected_now


def test_a_strategy_superseded_and_a_new_one_adopted(plan):
    strategy = plan["theme_a"].strategy
    strategy.status = Strategy.Status.SUPERSEDED
    strategy.save()
    assert_up_to_date()
    assert shown()["themes"] == []
    newer = StrategyFactory()
    action = StrategyActionFactory(theme=ThemeFactory(strategy=newer))
    post_update(action, plan["author"], Status.OFF_TRACK, 10)
    assert_up_to_date()
    strategy.status = Strategy.Status.CURRENT
    strategy.save()
    assert_up_to_date()


def test_rounds_opened_and_closed(plan):
    round_ = MonitoringRoundFactory()
    assert_up_to_date()
    assert shown()["no_update"][0] == 2  # a1 and a2 open, nobody has updated this round
    post_update(plan["a2"], plan["author"], Status.AT_RISK, 25)
    assert_up_to_date()
    round_services.close_round(round_=round_, closed_by=plan["author"])
    assert_up_to_date()
    assert shown()["no_update"] is None


def test_a_theme_added_and_deleted(plan):
    theme = ThemeFactory(strategy=plan["theme_a"].strategy)
    assert ThemeRollup.objects.filter(theme=theme).exists()
    StrategyActionFactory(theme=theme)
    assert_up_to_date()
    plan["theme_b"].delete()
    assert_up_to_date()


def test_figures_are_right_without_kept_rows_and_after_refresh_all(plan):
    """A theme without its row (a bulk load) is computed as it is; refresh_all() rebuilds."""
    ThemeRollup.objects.filter(theme=plan["theme_b"]).delete()
    StrategyAction.objects.filter(pk=plan["a2"].pk).update(status=Status.ON_TRACK)  # no signal
    ThemeRollup.objects.filter(theme=plan["theme_a"]).delete()
    assert shown() == expected()
    rollups.refresh_all()
    assert_up_to_date()


def test_a_row_kept_for_another_round_is_not_trusted(plan):
    MonitoringRoundFactory()
    ThemeRollup.objects.update(round_id=None, no_update=[], no_update_count=0)  # kept before
    assert shown() == expected()
    ThemeRollup.objects.filter(theme=plan["theme_a"]).update(round_id=-1)  # another round
    assert shown() == expected()
    rollups.refresh_all()
    assert_up_to_date()


def test_overdue_on_later_days_and_from_rows_kept_on_earlier_ones(plan):
    """The count kept for the day it was computed is used only until a target passes."""
    StrategyActionFactory(theme=plan["theme_b"], original_target_date=datetime.date(2027, 3, 1))
    StrategyActionFactory(theme=plan["theme_b"], original_target_date=datetime.date(2028, 3, 1))
    open_ = StrategyAction.objects.in_current_plans().open()
    days = [timezone.localdate() + datetime.timedelta(days=n) for n in (0, 1, 400, 900, 5000)]
    days += [datetime.date(2027, 3, 1), datetime.date(2027, 3, 2), datetime.date(2000, 1, 1)]
    for day in days:
        assert figures.overdue(day).count == open_.overdue(day).count(), day
    # As if kept long ago: theme A's count (made up here) still holds, none of its targets
    # having come since; theme B's does not, one having passed, so B is counted again.
    ThemeRollup.objects.update(
        overdue_as_of=datetime.date(2001, 1, 1), overdue_count=99, next_target=None
    )
    ThemeRollup.objects.filter(theme=plan["theme_b"]).update(next_target=datetime.date(2001, 2, 1))
    assert (
        figures.overdue(timezone.localdate()).count
        == 99 + open_.filter(theme=plan["theme_b"]).overdue(timezone.localdate()).count()
    )
    rollups.refresh_all()
    for day in days:
        assert figures.overdue(day).count == open_.overdue(day).count(), day


# --- Query count -----------------------------------------------------------------------------


def _grow(themes, world):
    """`themes` more themes of three actions each, in every state the dashboard lists."""
    author, officer = world.personas["coordinator"], world.personas["officer"]
    priority = CorporatePriorityFactory()
    for _ in range(themes):
        theme = ThemeFactory(strategy=world.action.theme.strategy)
        for status in (Status.ON_TRACK, Status.OFF_TRACK, Status.COMPLETED):
            action = StrategyActionFactory(
                theme=theme, original_target_date=datetime.date(2020, 1, 1)
            )
            ActionPriorityFactory(strategy_action=action, priority=priority)
            council = CouncilActionFactory(strategy_action=action)
            post_update(
                action,
                author,
                status,
                100 if status == Status.COMPLETED else 40,
                revised_target_date=datetime.date(2021, 1, 1),
                revision_reason="Later",
            )
            record_input(council, officer, Status.OFF_TRACK, 10)


def test_dashboard_query_count_does_not_grow_with_themes_or_actions(client, world):
    client.force_login(world.personas["admin"])
    MonitoringRoundFactory()
    _grow(2, world)
    small = len(queries_for(client, reverse("dashboard")))
    _grow(10, world)  # also moves the plan on, so nothing comes from the cache
    assert len(queries_for(client, reverse("dashboard"))) == small
    assert shown() == expected()
