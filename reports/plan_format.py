"""The action plan as a spreadsheet an import can read back (issue 14).

The Excel export (reports/exports.py) is the import format. Its first sheets are written for
Cabinet readers and carry, after their own columns, the keys an import matches rows by: the
strategy's key (its slug), the theme's number, the action's reference and position (the
natural keys of the fixtures). The sheets below follow them, one per kind of record the plan is
made of, each a row per record with its keys and the fields an import may set.

``IMPORT_COLUMNS`` says, for every sheet, which columns an import reads (any other column is
for reading only and is ignored), and which of them are required on every row.
"""

from collections.abc import Iterator

from django.db.models import Q, QuerySet

from accounts.models import Partner
from actions.models import ActionPartner, Milestone, StrategyAction, SubPoint
from indicators.models import IndicatorTarget
from strategy.models import Strategy
from themes.models import Theme

from .indicator_figures import current_indicators

CHUNK_SIZE = 2000

STRATEGIES = "Strategies"
THEMES = "Themes"
STRATEGY_ACTIONS = "Strategy actions"
SUB_POINTS = "Sub-points"
PARTNERS = "Partners"
ACTION_PARTNERS = "Action partners"
COUNCIL_ACTIONS = "Proposed council actions"
MILESTONES = "Milestones"
INDICATORS = "Indicator definitions"
TARGETS = "Indicator targets"

STRATEGY_HEADERS = ["Strategy key", "Title", "Kind", "Vision", "Summary"]
THEME_HEADERS = ["Strategy key", "Theme number", "Title", "Description"]
PARTNER_HEADERS = ["Partner key", "Name", "Short name", "Kind"]
SUB_POINT_HEADERS = ["Strategy key", "Theme number", "Action reference", "Position", "Text"]
ACTION_PARTNER_HEADERS = ["Strategy key", "Theme number", "Action reference", "Partner key", "Role"]
MILESTONE_HEADERS = [
    "Milestone ID",
    "Strategy key",
    "Theme number",
    "Action reference",
    "Council action reference",
    "Title",
    "Due date",
    "Owner key",
]
INDICATOR_HEADERS = [
    "Strategy key",
    "Indicator",
    "Definition",
    "Unit",
    "Which way is better",
    "Baseline value",
    "Baseline date",
    "Source",
    "How often",
    "Measured by key",
]
TARGET_HEADERS = ["Strategy key", "Indicator", "Target date", "Target value"]

# Per sheet: (the columns an import reads, the ones every row must fill). A sheet's other
# columns are ignored. The order is the order an import applies them in.
IMPORT_COLUMNS: dict[str, tuple[list[str], set[str]]] = {
    PARTNERS: (PARTNER_HEADERS, {"Partner key", "Name", "Kind"}),
    STRATEGIES: (STRATEGY_HEADERS, {"Strategy key", "Title"}),
    THEMES: (THEME_HEADERS, {"Strategy key", "Theme number", "Title"}),
    STRATEGY_ACTIONS: (
        [
            "Strategy key",
            "Theme number",
            "Reference",
            "Position",
            "Strategy action",
            "Original target date",
        ],
        {"Strategy key", "Theme number", "Reference", "Position", "Strategy action"},
    ),
    SUB_POINTS: (SUB_POINT_HEADERS, set(SUB_POINT_HEADERS)),
    ACTION_PARTNERS: (ACTION_PARTNER_HEADERS, set(ACTION_PARTNER_HEADERS)),
    COUNCIL_ACTIONS: (
        [
            "Strategy key",
            "Theme number",
            "Strategy action reference",
            "Reference",
            "Position",
            "Proposed council action",
            "Responsible unit key",
            "Original target date",
        ],
        {
            "Strategy key",
            "Theme number",
            "Strategy action reference",
            "Reference",
            "Position",
            "Proposed council action",
            "Responsible unit key",
        },
    ),
    MILESTONES: (
        MILESTONE_HEADERS,
        {"Strategy key", "Theme number", "Action reference", "Title", "Due date", "Owner key"},
    ),
    INDICATORS: (
        INDICATOR_HEADERS,
        {"Strategy key", "Indicator", "Definition", "Unit", "Measured by key"},
    ),
    TARGETS: (TARGET_HEADERS, set(TARGET_HEADERS)),
}


def _strategy_ids(actions: QuerySet[StrategyAction]):
    return actions.order_by().values("theme__strategy_id")


def _action_ids(actions: QuerySet[StrategyAction]):
    return actions.order_by().values("pk")


def strategy_rows(actions) -> Iterator[list]:
    for row in (
        Strategy.objects.filter(pk__in=_strategy_ids(actions))
        .order_by("slug")
        .values_list("slug", "title", "kind", "vision", "summary")
    ):
        yield list(row)


def theme_rows(actions) -> Iterator[list]:
    for row in (
        Theme.objects.filter(strategy_id__in=_strategy_ids(actions))
        .order_by("strategy__slug", "number")
        .values_list("strategy__slug", "number", "title", "description")
    ):
        yield list(row)


def partner_rows(actions) -> Iterator[list]:
    for row in Partner.objects.order_by("slug").values_list("slug", "name", "short_name", "kind"):
        yield list(row)


def sub_point_rows(actions) -> Iterator[list]:
    rows = (
        SubPoint.objects.filter(strategy_action_id__in=_action_ids(actions))
        .order_by("strategy_action__plan_position", "position")
        .values_list(
            "strategy_action__theme__strategy__slug",
            "strategy_action__theme__number",
            "strategy_action__reference",
            "position",
            "text",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield list(row)


def action_partner_rows(actions) -> Iterator[list]:
    rows = (
        ActionPartner.objects.filter(strategy_action_id__in=_action_ids(actions))
        .order_by("strategy_action__plan_position", "partner__slug")
        .values_list(
            "strategy_action__theme__strategy__slug",
            "strategy_action__theme__number",
            "strategy_action__reference",
            "partner__slug",
            "role",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield list(row)


def milestone_rows(actions) -> Iterator[list]:
    ids = _action_ids(actions)
    rows = (
        Milestone.objects.filter(
            Q(strategy_action_id__in=ids) | Q(council_action__strategy_action_id__in=ids)
        )
        .order_by("pk")
        .values_list(
            "pk",
            "strategy_action__theme__strategy__slug",
            "strategy_action__theme__number",
            "strategy_action__reference",
            "council_action__strategy_action__theme__strategy__slug",
            "council_action__strategy_action__theme__number",
            "council_action__strategy_action__reference",
            "council_action__reference",
            "title",
            "due_date",
            "owner__slug",
        )
    )
    for (
        pk,
        slug,
        number,
        reference,
        c_slug,
        c_number,
        c_action_reference,
        c_reference,
        title,
        due,
        owner,
    ) in rows:
        if c_reference is None:
            yield [pk, slug, number, reference, "", title, due, owner]
        else:
            yield [pk, c_slug, c_number, c_action_reference, c_reference, title, due, owner]


def indicator_rows(actions) -> Iterator[list]:
    for row in (
        current_indicators()
        .order_by("strategy__slug", "name")
        .values_list(
            "strategy__slug",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "source",
            "frequency",
            "owner__slug",
        )
    ):
        yield list(row)


def target_rows(actions) -> Iterator[list]:
    for row in (
        IndicatorTarget.objects.filter(indicator__in=current_indicators())
        .order_by("indicator__strategy__slug", "indicator__name", "date")
        .values_list("indicator__strategy__slug", "indicator__name", "date", "value")
    ):
        yield list(row)


def sheets(actions: QuerySet[StrategyAction]) -> list[tuple[str, list[str], Iterator[list]]]:
    """The sheets after the Cabinet readers' ones, for the plan of `actions`: each (title,
    headers, rows). The rows are read as each sheet is written."""
    return [
        (STRATEGIES, STRATEGY_HEADERS, strategy_rows(actions)),
        (THEMES, THEME_HEADERS, theme_rows(actions)),
        (SUB_POINTS, SUB_POINT_HEADERS, sub_point_rows(actions)),
        (PARTNERS, PARTNER_HEADERS, partner_rows(actions)),
        (ACTION_PARTNERS, ACTION_PARTNER_HEADERS, action_partner_rows(actions)),
        (MILESTONES, MILESTONE_HEADERS, milestone_rows(actions)),
        (INDICATORS, INDICATOR_HEADERS, indicator_rows(actions)),
        (TARGETS, TARGET_HEADERS, target_rows(actions)),
    ]
