"""Two voices on each strategy action: the Forum's view beside the council's.

The Forum's view is the action's own status, from its latest progress update.
The council's view is the worst status among its proposed council actions
(withdrawn ones aside), from their latest council input. Where the two are
more than one step apart on the RAG scale, the action is flagged.
"""

from dataclasses import dataclass

from .status import RAG_STEP, SEVERITY, Status


@dataclass(frozen=True)
class View:
    status: Status
    author: object = None  # the person whose update or input set it, if any
    date: object = None
    reference: str = ""  # for the council: the proposed council action it comes from


def forum_view(action) -> View:
    update = action.last_update
    return View(
        Status(action.status),
        update.author if update else None,
        update.created_at if update else None,
    )


def council_view(action) -> View | None:
    """From the prefetched council actions (with last_input__author); None if there are none."""
    candidates = [c for c in action.council_actions.all() if c.status != Status.WITHDRAWN]
    if not candidates:
        return None
    worst = min(candidates, key=lambda c: SEVERITY.index(Status(c.status)))
    latest = worst.last_input
    return View(
        Status(worst.status),
        latest.author if latest else None,
        latest.created_at if latest else None,
        worst.reference,
    )


def views_differ(forum: View | None, council: View | None) -> bool:
    """True when both views are on the RAG scale and more than one step apart."""
    if forum is None or council is None:
        return False
    a, b = RAG_STEP.get(forum.status), RAG_STEP.get(council.status)
    return a is not None and b is not None and abs(a - b) > 1


def two_voices(action) -> dict:
    forum, council = forum_view(action), council_view(action)
    return {"forum": forum, "council": council, "differ": views_differ(forum, council)}
