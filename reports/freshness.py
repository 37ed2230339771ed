"""A counter that moves whenever the plan changes, so cached views of it are never stale.

Every save or delete of a record the dashboard shows bumps the counter once the
transaction commits, whether it came through a service, the admin or a command.
Cached fragments are keyed by the counter, so a change makes them miss at once.
(Cache invalidation is the one job kept in signals: it must follow every write,
wherever it happens.)
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

KEY = "plan-generation"


def generation() -> int:
    return cache.get_or_set(KEY, 1, timeout=None)


def _increment() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not in the cache (evicted or never read): start afresh
        cache.set(KEY, 1, timeout=None)


def bump(**kwargs) -> None:
    # Now, and again once the transaction commits: a page cached by someone reading
    # between the write and its commit is then missed too.
    _increment()
    transaction.on_commit(_increment)


def connect() -> None:
    from actions.models import (
        ActionPartner,
        ActionPriority,
        CouncilAction,
        CouncilInput,
        ProgressUpdate,
        StrategyAction,
    )
    from monitoring.models import MonitoringRound
    from strategy.models import CorporatePriority, Strategy
    from themes.models import Theme

    from .models import CabinetReport

    for model in (
        Strategy,
        CorporatePriority,
        Theme,
        StrategyAction,
        ActionPartner,
        ActionPriority,
        CouncilAction,
        CouncilInput,
        ProgressUpdate,
        MonitoringRound,
        CabinetReport,
    ):
        post_save.connect(bump, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"freshness-del-{model.__name__}")
