"""Reads of the action plan that need care: a fixed number of queries at any size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.formats import date_format

from strategy.models import Strategy

from .models import (
    ActionPartner,
    CouncilAction,
    CouncilInput,
    Milestone,
    ProgressUpdate,
    StrategyAction,
)
from .status import Status


def open_round():
    """The monitoring round open now, or None.

    Rounds belong to the monitoring app, which sits above this one. A progress update's
    `round` field names that model lazily, so the plan reaches it through the field
    instead of importing it (docs/decisions.md).
    """
    rounds = ProgressUpdate._meta.get_field("round").related_model
    return rounds.objects.open().first()


def strategy_actions_for_partner(partner_id: int | None) -> QuerySet[StrategyAction]:
    """The strategy actions an organisation is responsible for, lead or supporting."""
    return (
        StrategyAction.objects.filter(responsible_partners__partner_id=partner_id)
        .select_related("theme__strategy")
        .prefetch_related(
            Prefetch(
                "responsible_partners",
                queryset=ActionPartner.objects.select_related("partner"),
            )
        )
        .distinct()
        .order_by("theme__strategy__slug", "theme__number", "position")
    )


# --- The plan and an action's page --------------------------------------------------


def plan_order(via: str = "") -> list[str]:
    """Plan order: current strategies first, the newest first, then theme and position
    (one indexed number, kept by actions/ordering.py).

    `via` reaches the strategy action from another model, e.g. "strategy_action__".
    """
    return [f"{via}plan_position"]


def plan_actions() -> QuerySet[StrategyAction]:
    """Strategy actions with all the plan shows, in plan order, in a fixed number of queries."""
    return (
        StrategyAction.objects.select_related(
            "theme__strategy", "source", "last_update__author", "last_update__organisation"
        )
        .prefetch_related(
            Prefetch(
                "responsible_partners",
                queryset=ActionPartner.objects.select_related("partner"),
            ),
            "sub_points",
            Prefetch(
                "council_actions",
                queryset=CouncilAction.objects.select_related(
                    "responsible_unit", "last_input__author"
                ),
            ),
        )
        .order_by(*plan_order())
    )


def _headline_strategies() -> QuerySet[Strategy]:
    """The current strategies the plan page and the dashboard open with (plans of other
    kinds, such as the 2011 Investment Plan, are listed after them)."""
    return Strategy.objects.current().filter(kind=Strategy.Kind.STRATEGY)


def earlier_strategies() -> list[Strategy]:
    """Superseded strategies and other plans, with their themes, examples and elements."""
    return list(
        Strategy.objects.exclude(pk__in=_headline_strategies().values("pk"))
        .select_related("source")
        .prefetch_related("elements", "themes__examples__source", "corporate_priorities")
        .order_by("-adopted_on")
    )


def action_page() -> QuerySet[StrategyAction]:
    """One strategy action with all its page shows, in a fixed number of queries."""
    return StrategyAction.objects.select_related(
        "theme__strategy", "source", "last_update__author"
    ).prefetch_related(
        "sub_points",
        Prefetch(
            "responsible_partners",
            queryset=ActionPartner.objects.select_related("partner", "source"),
        ),
        "corporate_priorities",
        "theme__strategy__corporate_priorities",
        "existing_activities__source",
        Prefetch(
            "council_actions",
            queryset=CouncilAction.objects.select_related(
                "responsible_unit", "source", "last_input__author", "added_by"
            ),
        ),
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.select_related(
                "author", "organisation", "round", "corrects"
            ).prefetch_related("evidence_files"),
        ),
        _milestones(),
    )


def _milestones() -> Prefetch:
    """An action's milestones with what their table shows (one query for them all)."""
    return Prefetch("milestones", queryset=Milestone.objects.select_related("owner"))


def action_for_update() -> QuerySet[StrategyAction]:
    """An action with what the permission check and the update form need."""
    return StrategyAction.objects.select_related("theme__strategy").prefetch_related(
        "responsible_partners"
    )


HISTORY_HIDDEN_FIELDS = ["version", "history_change_reason"]


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class ActionChange:
    when: object
    who: object
    kind: str
    changes: list[FieldChange]


def _display(field_name: str, value) -> str:
    """A value as every other page shows it: "not set", "On track", "31 March 2027"."""
    if value in (None, ""):
        return "not set"
    if isinstance(value, bool):  # percent complete from milestones (issue 13)
        return "yes" if value else "no"
    if field_name == "status":
        return Status(value).label
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


HISTORY_KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def action_changes(action: StrategyAction) -> list[ActionChange]:
    """Who changed what on the action itself, from what to what, newest first (one query)."""
    records = list(action.history.select_related("history_user").order_by("history_date", "pk"))
    changes: list[ActionChange] = []
    previous = None
    for record in records:
        kind = HISTORY_KINDS.get(record.history_type, "Changed")
        if previous is None:
            if kind == "Changed":
                kind = "Changed (its earlier history was not recorded)"
            changes.append(ActionChange(record.history_date, record.history_user, kind, []))
        else:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN_FIELDS)
            fields = [
                FieldChange(
                    str(StrategyAction._meta.get_field(c.field).verbose_name).capitalize(),
                    _display(c.field, c.old),
                    _display(c.field, c.new),
                )
                for c in delta.changes
            ]
            if fields:
                changes.append(ActionChange(record.history_date, record.history_user, kind, fields))
        previous = record
    return changes[::-1]


def current_strategies() -> list[Strategy]:
    """Current strategies, with how many themes are recorded (the source may state more)."""
    return list(
        _headline_strategies()
        .select_related("source")
        .prefetch_related("corporate_priorities")
        .annotate(named_themes=Count("themes"))
        .order_by("-adopted_on")
    )


# --- Proposed council actions ---------------------------------------------------------


def council_action_list() -> QuerySet[CouncilAction]:
    """Proposed council actions with what their list shows, in plan order."""
    return CouncilAction.objects.select_related(
        "strategy_action__theme__strategy",
        "responsible_unit",
        "last_input__author",
        "decided_by",
    ).order_by("plan_position")


def council_action_page() -> QuerySet[CouncilAction]:
    """One proposed council action with its page's contents, in a fixed number of queries."""
    return CouncilAction.objects.select_related(
        "strategy_action__theme__strategy",
        "strategy_action__last_update__author",
        "responsible_unit",
        "lead_officer",
        "decided_by",
        "added_by",
        "source",
    ).prefetch_related(
        Prefetch("strategy_action__existing_activities"),
        Prefetch(
            "inputs",
            queryset=CouncilInput.objects.select_related(
                "author", "organisation", "round", "corrects"
            ).prefetch_related("evidence_files"),
        ),
        _milestones(),
    )


def council_action_for_change() -> QuerySet[CouncilAction]:
    return CouncilAction.objects.select_related("strategy_action", "last_input__author")
