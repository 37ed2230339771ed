"""The dashboard's figures kept per theme, so that showing them reads one small row per theme
instead of scanning every action, council action and priority link of the plan.

Every figure the dashboard sums decomposes by theme (an action belongs to one theme, a
proposed council action to its strategy action's theme): counts and percent sums by status
on both sides, the same per corporate priority, the actions whose two views disagree
(actions/voices.py) and the number of actions that slipped. Each theme's row
(a ThemeRollup) is recomputed from that theme's few actions whenever something in it
changes, in the same transaction as the change (signals, like reports/freshness.py), so the
next request on any worker sees it. Which themes count (those of current plans) is decided
when the figures are read, so a strategy being superseded needs no recompute.

The row is locked before the theme is read: two writers in one theme take turns, and the
second reads what the first committed, so neither overwrites the other with older figures.

Writes that skip signals (bulk_create, queryset.update() of a status, raw SQL) must call
refresh_all() afterwards, as benchmarks/synthetic.py does.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from actions import voices
from actions.status import CLOSED, SEVERITY, Status


def empty(round_id: int | None = None) -> dict:
    """A theme's figures with no actions: the columns of ThemeRollup."""
    return {
        "strategy": {},  # status: [number of strategy actions, sum of their percent complete]
        "council": {},  # the same for the proposed council actions
        "strategy_count": 0,  # the theme's totals, over every status
        "strategy_sum": 0,
        "council_count": 0,
        "council_sum": 0,
        # "p" and the priority's id (a key that is not a number, for the database's JSON
        # paths): [strategy n, sum, council n, sum], as a join of the links counts them
        "priorities": {},
        "disagree": [],  # strategy actions whose two views are far apart, by id
        "slipped": 0,  # revised target later than the original
        "targets": {},  # open actions' target date (revised if any), ISO: how many
        # The day these were computed, how many targets were before it, and the first target
        # on or after it.
        "overdue_as_of": timezone.localdate(),
        "overdue_count": 0,
        "next_target": None,
        "round_id": round_id,  # the open round when computed (None: no open round)...
        "no_update": [],  # ...and the open actions with no update in it, by id
        # How many each list has, and its first: the dashboard sums the one and reads the
        # lists of only the few themes with the lowest firsts.
        "disagree_count": 0,
        "disagree_first": None,
        "no_update_count": 0,
        "no_update_first": None,
    }


def _add(table: dict, key: str, percent: int) -> None:
    n, total = table.get(key, (0, 0))
    table[key] = [n + 1, total + (percent or 0)]


def compute(strategy_rows, council_rows, link_rows, round_id=None, updated=()) -> dict[int, dict]:
    """Each theme's figures, from plain rows (so that a migration can use it too):

    strategy_rows: (pk, theme_id, status, percent_complete, original_target_date,
        revised_target_date); council_rows: (strategy_action_id, status, percent_complete);
    link_rows: (strategy_action_id, priority_id); round_id: the open round, if any;
    updated: the strategy actions with an update in it.
    """
    data: dict[int, dict] = defaultdict(lambda: empty(round_id))
    updated = set(updated)
    theme_of, percent_of, status_of = {}, {}, {}
    for pk, theme_id, status, percent, original, revised in strategy_rows:
        theme_of[pk], percent_of[pk], status_of[pk] = theme_id, percent or 0, status
        row = data[theme_id]
        _add(row["strategy"], status, percent)
        if original is not None and revised is not None and revised > original:
            row["slipped"] += 1
        if status not in CLOSED:
            target = revised if revised is not None else original
            if target is not None:
                key = target.isoformat()
                row["targets"][key] = row["targets"].get(key, 0) + 1
            if round_id is not None and pk not in updated:
                row["no_update"].append(pk)
    council_of = defaultdict(list)  # strategy action -> [(status, percent)]
    for action_id, status, percent in council_rows:
        if action_id not in theme_of:
            continue  # its strategy action is not (yet) there: a fixture loading out of order
        council_of[action_id].append((status, percent or 0))
        _add(data[theme_of[action_id]]["council"], status, percent)
    for action_id, priority_id in link_rows:
        if action_id not in theme_of:
            continue
        # As a join of links to actions to council actions would count them.
        sums = data[theme_of[action_id]]["priorities"].setdefault(f"p{priority_id}", [0, 0, 0, 0])
        sums[0] += 1
        sums[1] += percent_of[action_id]
        for _, percent in council_of[action_id]:
            sums[2] += 1
            sums[3] += percent
    for action_id, council in council_of.items():
        ranks = [SEVERITY.index(Status(s)) for s, _ in council if s != Status.WITHDRAWN]
        if ranks and voices.views_differ(
            voices.View(Status(status_of[action_id])), voices.View(SEVERITY[min(ranks)])
        ):
            data[theme_of[action_id]]["disagree"].append(action_id)
    today = timezone.localdate()
    day = today.isoformat()
    for row in data.values():
        for side in ("strategy", "council"):
            row[f"{side}_count"] = sum(n for n, _ in row[side].values())
            row[f"{side}_sum"] = sum(total for _, total in row[side].values())
        row["overdue_as_of"] = today
        row["overdue_count"] = sum(n for target, n in row["targets"].items() if target < day)
        later = [target for target in row["targets"] if target >= day]
        row["next_target"] = datetime.date.fromisoformat(min(later)) if later else None
        for key in ("disagree", "no_update"):
            row[key].sort()
            row[f"{key}_count"] = len(row[key])
            row[f"{key}_first"] = row[key][0] if row[key] else None
    return data


def _rows(theme_ids, StrategyAction, CouncilAction, ActionPriority, ProgressUpdate, round_id):
    strategy = StrategyAction.objects.order_by()
    council = CouncilAction.objects.order_by()
    links = ActionPriority.objects.order_by()
    updates = ProgressUpdate.objects.filter(round_id=round_id).order_by()
    if theme_ids is not None:
        strategy = strategy.filter(theme_id__in=theme_ids)
        council = council.filter(strategy_action__theme_id__in=theme_ids)
        links = links.filter(strategy_action__theme_id__in=theme_ids)
        updates = updates.filter(strategy_action__theme_id__in=theme_ids)
    return (
        strategy.values_list(
            "pk",
            "theme_id",
            "status",
            "percent_complete",
            "original_target_date",
            "revised_target_date",
        ),
        council.values_list("strategy_action_id", "status", "percent_complete"),
        links.values_list("strategy_action_id", "priority_id"),
        round_id,
        updates.values_list("strategy_action_id", flat=True).distinct()
        if round_id is not None
        else (),
    )


def _models():
    from actions.models import ActionPriority, CouncilAction, ProgressUpdate, StrategyAction

    from .models import ThemeRollup

    return StrategyAction, CouncilAction, ActionPriority, ProgressUpdate, ThemeRollup


def _open_round_id(MonitoringRound) -> int | None:
    """As monitoring.selectors.current_round(): the newest open round."""
    return (
        MonitoringRound.objects.filter(state="open")
        .order_by("-opened_at")
        .values_list("pk", flat=True)
        .first()
    )


def compute_themes(theme_ids: Iterable[int]) -> dict[int, dict]:
    """The figures of these themes as they are now, not saved (five small queries)."""
    from monitoring.models import MonitoringRound

    theme_ids = list(theme_ids)
    *models, _ = _models()
    round_id = _open_round_id(MonitoringRound)
    data = compute(*_rows(theme_ids, *models, round_id))
    return {pk: data.get(pk) or empty(round_id) for pk in theme_ids}


def refresh(theme_ids: Iterable[int | None]) -> None:
    """Recompute the rows of these themes (those that have one: a theme being deleted has
    lost it already). The rows are locked first, in order, then the themes read."""
    theme_ids = sorted({pk for pk in theme_ids if pk is not None})
    if not theme_ids:
        return
    *_, ThemeRollup = _models()
    with transaction.atomic():
        locked = list(
            ThemeRollup.objects.select_for_update()
            .filter(pk__in=theme_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not locked:
            return
        computed = compute_themes(locked)
        if len(computed) == 1:
            ThemeRollup.objects.filter(pk=locked[0]).update(**computed[locked[0]])
        else:
            rows = [ThemeRollup(pk=pk, **data) for pk, data in computed.items()]
            ThemeRollup.objects.bulk_update(rows, list(empty()), batch_size=500)


def refresh_all(*, using_models=None) -> None:
    """Recompute every theme's row from scratch (after bulk loads; used by the migration)."""
    if using_models is None:
        from monitoring.models import MonitoringRound
        from themes.models import Theme

        *models, ThemeRollup = _models()
    else:
        Theme, MonitoringRound, *models, ThemeRollup = using_models
    with transaction.atomic():
        round_id = _open_round_id(MonitoringRound)
        data = compute(*_rows(None, *models, round_id))
        ThemeRollup.objects.all().delete()
        ThemeRollup.objects.bulk_create(
            (
                ThemeRollup(theme_id=pk, **(data.get(pk) or empty(round_id)))
                for pk in Theme.objects.order_by("pk").values_list("pk", flat=True)
            ),
            batch_size=1000,
        )


# --- Keeping them up to date -----------------------------------------------------------------


def _theme_of_action(action_id) -> int | None:
    from actions.models import StrategyAction

    if action_id is None:
        return None
    return StrategyAction.objects.filter(pk=action_id).values_list("theme_id", flat=True).first()


def _remember_theme(sender, instance, **kwargs):
    """Before a record is saved, the theme it was in: moving it changes both."""
    if instance.pk is not None:
        path = "theme_id" if sender._meta.model_name == "strategyaction" else THROUGH_ACTION
        before = sender.objects.filter(pk=instance.pk).values_list(path, flat=True).first()
        instance._rollup_themes = {before}


THROUGH_ACTION = "strategy_action__theme_id"


def _strategy_action_changed(sender, instance, **kwargs):
    refresh({instance.theme_id, *instance.__dict__.pop("_rollup_themes", ())})


def _action_record_changed(sender, instance, **kwargs):
    """A proposed council action, a priority link or a progress update: its action's theme
    (a progress update counts for its round: whether its action had one may change)."""
    theme = _theme_of_action(instance.strategy_action_id)
    refresh({theme, *instance.__dict__.pop("_rollup_themes", ())})


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """StrategyAction.corporate_priorities.add()/.set()/.clear(), from either side."""
    from actions.models import StrategyAction

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # instance is a strategy action
        refresh({instance.theme_id})
    elif pk_set:  # instance is a priority; pk_set the strategy actions
        refresh(StrategyAction.objects.filter(pk__in=pk_set).values_list("theme_id", flat=True))
    else:  # a priority's links all cleared: which actions they were is gone
        *_, ThemeRollup = _models()
        refresh(ThemeRollup.objects.values_list("pk", flat=True))


def _round_changed(sender, instance, **kwargs):
    """A round opened, closed or removed: which actions lack an update this round changes
    everywhere: the rows computed for another round are recomputed. (The dashboard does
    not trust them either.)"""
    from monitoring.models import MonitoringRound

    *_, ThemeRollup = _models()
    round_id = _open_round_id(MonitoringRound)
    refresh(
        pk for pk, then in ThemeRollup.objects.values_list("pk", "round_id") if then != round_id
    )


def _theme_saved(sender, instance, created=False, **kwargs):
    """A new theme gets its row (a theme's figures do not depend on the theme's own fields,
    and whether its strategy is current is asked when the figures are read)."""
    if created:
        *_, ThemeRollup = _models()
        ThemeRollup.objects.get_or_create(theme_id=instance.pk)
        refresh({instance.pk})  # a fixture may have loaded its actions first


def connect() -> None:
    from actions.models import ActionPriority, CouncilAction, ProgressUpdate, StrategyAction
    from monitoring.models import MonitoringRound
    from themes.models import Theme

    for model in (StrategyAction, CouncilAction, ActionPriority, ProgressUpdate):
        pre_save.connect(_remember_theme, sender=model, dispatch_uid=f"rollup-pre-{model.__name__}")
    for model, handler in (
        (StrategyAction, _strategy_action_changed),
        (CouncilAction, _action_record_changed),
        (ActionPriority, _action_record_changed),
        (ProgressUpdate, _action_record_changed),
        (MonitoringRound, _round_changed),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"rollup-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"rollup-del-{model.__name__}")
    post_save.connect(_theme_saved, sender=Theme, dispatch_uid="rollup-save-Theme")
    m2m_changed.connect(
        _links_changed,
        sender=StrategyAction.corporate_priorities.through,
        dispatch_uid="rollup-m2m",
    )
