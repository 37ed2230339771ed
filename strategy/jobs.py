"""Queue a background job without letting a broker outage become a server error (issue 16).

Every job is recorded in the database first (a Download, an import, a Cabinet report's PDF)
and sent to the broker once the request's transaction has committed. If the broker cannot be
reached, sending gives up within a few seconds (the publish retry policy in settings), the
fault is logged, and `not_queued` marks the record so the person reads, plainly, that it
could not be queued now and is offered to try again. A job the broker took waits there
until a worker comes back: nothing is lost either way.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: Said to the person when their job could not be queued.
NOT_QUEUED = (
    "It could not be queued just now: the service that runs background jobs is unavailable. "
    "Nothing has been lost. Try again in a few minutes."
)


def send(task, *args, not_queued: Callable[[], None]) -> bool:
    """Queue `task(*args)`; on failure log it, call `not_queued()` and return False."""
    try:
        task.apply_async(args=args)
    except Exception as error:  # kombu's OperationalError, a refused or timed-out socket...
        logger.error(
            "Background job %s%r could not be queued: %s: %s",
            task.name,
            args,
            type(error).__name__,
            error,
        )
        not_queued()
        return False
    return True


def send_on_commit(task, *args, not_queued: Callable[[], None]) -> None:
    """`send` once the current transaction commits (the record it works on then exists)."""
    from django.db import transaction

    transaction.on_commit(lambda: send(task, *args, not_queued=not_queued))


# --- Jobs the broker may have lost ---------------------------------------------------------
# Each app that queues jobs registers a function (in its AppConfig.ready) that sends again its
# records still waiting for a job since before a moment, and returns how many it sent.
# `manage.py requeue_jobs` calls them all: for after the broker lost its queue (a Redis
# restarted without persistence). The jobs are safe to run twice.

_REQUEUERS: dict[str, Callable] = {}


def register_requeue(name: str, requeue: Callable) -> None:
    _REQUEUERS[name] = requeue


def requeue_waiting(before) -> dict[str, int]:
    """Send again every job whose record has waited since before `before`: {name: sent}."""
    return {name: requeue(before) for name, requeue in sorted(_REQUEUERS.items())}
