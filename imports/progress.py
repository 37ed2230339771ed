"""Progress in bulk: a sheet of updates, one row per strategy action, gathered from small
organisations by the coordinator, posted into the open monitoring round as submitted updates
for review, each through actions/services.py post_progress_update (the same checks, the same
version rule) and credited, as that service does, to the organisation of the person who
imports them.

A row whose update columns are all empty is skipped (the template lists every action).
"""

from __future__ import annotations

import io

from accounts.models import User
from actions import selectors
from actions import services as action_services
from actions.models import ProgressUpdate, StrategyAction
from actions.status import Status, percent_problem
from reports.exports import write_sheets

from . import values as V
from .plan import NEW, Comparison, Operation, RowError

SHEET = "Progress updates"
KEYS = ["Strategy key", "Theme number", "Reference"]
UPDATE_COLUMNS = ["Status", "Percent complete", "What has happened", "Next steps"]
HEADERS = [*KEYS, *UPDATE_COLUMNS]
TEMPLATE_HEADERS = [*KEYS, "Strategy action", "Current status", "Current percent", *UPDATE_COLUMNS]
SKIPPED = "skipped"

NO_ROUND = "There is no open monitoring round, so updates cannot be submitted: open a round first"

NARRATIVE_MAX = ProgressUpdate._meta.get_field("narrative").max_length
NEXT_STEPS_MAX = ProgressUpdate._meta.get_field("next_steps").max_length


def _actions() -> dict[tuple, dict]:
    return {
        (a["theme__strategy__slug"], a["theme__number"], a["reference"]): a
        for a in StrategyAction.objects.in_current_plans()
        .values("pk", "version", "theme__strategy__slug", "theme__number", "reference")
        .iterator(chunk_size=2000)
    }


def compare(data: dict, uploaded_by: User) -> Comparison:
    """Each row of the sheet as the update it would post, or its problems."""
    result = Comparison()
    sheet = data.get(SHEET) or {"headers": [], "rows": []}
    headers, rows = sheet["headers"], sheet["rows"]

    def error(row, column, message):
        result.errors.append(RowError(SHEET, row, column, message))

    missing = [c for c in HEADERS if c != "Next steps" and c not in headers]
    if not rows:
        error(None, "", f"The file has no ‘{SHEET}’ sheet with updates in it")
        return result
    if missing:
        for column in missing:
            error(None, column, f"The sheet has no ‘{column}’ column: add it")
        return result
    if selectors.open_round() is None:
        error(None, "", NO_ROUND)
        return result
    actions = _actions()
    seen: dict[tuple, int] = {}
    for number, cells in rows:
        if all(V.blank(cells.get(c)) for c in UPDATE_COLUMNS):
            result.count(SHEET, SKIPPED)
            continue
        problems = []

        def read(column, parser, _cells=cells, _problems=problems, **kwargs):
            try:
                return parser(_cells.get(column), **kwargs)
            except V.Problem as problem:
                _problems.append((column, str(problem)))
                return None

        key = (
            read("Strategy key", V.slug, name="the strategy key"),
            read("Theme number", V.whole, name="the theme number"),
            read("Reference", V.text, required=True, max_length=20, name="the reference", key=True),
        )
        status = read("Status", V.choice, choices=Status, name="the status")
        percent = read("Percent complete", V.whole, low=0, high=100, name="the percent complete")
        narrative = read(
            "What has happened",
            V.text,
            required=True,
            max_length=NARRATIVE_MAX,
            name="what has happened",
        )
        next_steps = read("Next steps", V.text, max_length=NEXT_STEPS_MAX, name="the next steps")
        if status and percent is not None and (problem := percent_problem(status, percent)):
            problems.append(("Percent complete", problem))
        for column, message in problems:
            error(number, column, message)
        if problems:
            continue
        first = seen.setdefault(key, number)
        if first != number:
            error(
                number,
                "Reference",
                f"Row {first} already has an update for {key[2]}: give one per action",
            )
            continue
        action = actions.get(key)
        if action is None:
            error(
                number,
                "Reference",
                f"There is no strategy action {key[2]} under theme {key[1]} of {key[0]} in a "
                "current plan",
            )
            continue
        result.count(SHEET, NEW)
        result.operations.append(
            Operation(
                SHEET,
                number,
                list(key),
                NEW,
                {
                    "action": action["pk"],
                    # The version read now: an action updated before the confirmation makes
                    # the service refuse it (StaleEdit), so the whole import is refused.
                    "version": action["version"],
                    "status": status,
                    "percent_complete": percent,
                    "narrative": narrative,
                    "next_steps": next_steps,
                },
            )
        )
    return result


def apply(comparison: Comparison, *, author: User) -> dict[str, int]:
    """Post each update through the service; the caller's transaction makes them one."""
    actions = StrategyAction.objects.in_bulk([op.values["action"] for op in comparison.operations])
    for op in comparison.operations:
        values = op.values
        action_services.post_progress_update(
            strategy_action=actions[values["action"]],
            author=author,
            expected_version=values["version"],
            status=values["status"],
            percent_complete=values["percent_complete"],
            narrative=values["narrative"],
            next_steps=values["next_steps"],
            submit=True,
        )
    return {SHEET: len(comparison.operations)}


def template(file) -> None:
    """The sheet to fill in: every action of the current plans with its keys, words and where
    it stands, and empty update columns. Written like the export (reports/exports.py)."""
    rows = (
        StrategyAction.objects.in_current_plans()
        .order_by("plan_position")
        .values_list(
            "theme__strategy__slug",
            "theme__number",
            "reference",
            "text",
            "status",
            "percent_complete",
        )
        .iterator(chunk_size=2000)
    )
    labels = dict(Status.choices)

    def lines():
        for slug, number, reference, text, status, percent in rows:
            yield [slug, number, reference, text, str(labels[status]), percent]

    write_sheets(file, [(SHEET, TEMPLATE_HEADERS, lines())])


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    template(buffer)
    return buffer.getvalue()
