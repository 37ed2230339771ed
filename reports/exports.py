"""Exports of the action plan: a CSV and an Excel workbook, with the plan page's filters.

Both read the plan a chunk at a time (``.iterator(chunk_size=CHUNK_SIZE)``), so
memory stays bounded whatever the size of the plan:

* a strategy action's row is built once (``strategy_action_values``) for both,
  from one streamed query whose partners and council actions come from per-row
  subqueries; the CSV writes each row to the response as it is made;
* the workbook uses openpyxl's write-only mode, which writes each sheet's rows
  to a temporary file (with inline strings, so no shared-string table grows in
  memory) and is then saved to a temporary file that is streamed back. Its
  second sheet, the proposed council actions, is a second streamed query.

Narratives and other cells are typed by people, so any text that a spreadsheet
would read as a formula is prefixed with a single quote (OWASP's advice on CSV
injection).
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable

from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from accounts.permissions import plan_reader_required
from actions import selectors, voices
from actions.filters import PlanFilter
from actions.models import ActionPartner, CouncilAction, StrategyAction, SubPoint
from actions.status import SEVERITY, Status

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STRATEGY_ACTION_HEADERS = [
    "Strategy",
    "Theme",
    "Reference",
    "Strategy action",
    "Sub-points",
    "Status",
    "Percent complete",
    "Lead partners",
    "Supporting partners",
    "Original target date",
    "Revised target date",
    "Overdue",
    "Last update date",
    "Last update by",
    "Last update organisation",
    "Latest narrative",
    "Next steps",
    "The Forum's view",
    "The council's view",
    "Views differ",
    "Proposed council actions",
]

COUNCIL_ACTION_HEADERS = [
    "Strategy action reference",
    "Reference",
    "Proposed council action",
    "Responsible unit",
    "Lead officer",
    "Decision",
    "Decided by",
    "Decided on",
    "Decision reason",
    "Status",
    "Percent complete",
    "Original target date",
    "Revised target date",
    "Last input date",
    "Last input by",
    "Latest commentary",
    "Resources",
    "Added after the report",
]

# A cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet could read as a formula, prefixed with a quote; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _text(value) -> str:
    return "" if value is None else str(value)


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# --- What is exported ---------------------------------------------------------------


def filtered_actions(request: HttpRequest) -> QuerySet[StrategyAction]:
    """The strategy actions the plan page would show for the same query string, with
    everything a row needs in the one query (see export_actions)."""
    actions = selectors.plan_actions().select_related(None).prefetch_related(None)
    return export_actions(PlanFilter(request.GET, queryset=actions).qs)


def export_actions(actions: QuerySet[StrategyAction]) -> QuerySet[StrategyAction]:
    """The actions with everything a strategy action's row needs, in the one query.

    Partners, council references and the council's worst status come from per-row
    subqueries instead of prefetching, so a whole export is one streamed query
    (a server-side cursor on PostgreSQL) whatever its size.
    """
    partners = ActionPartner.objects.all()
    council = CouncilAction.objects.order_by()
    return actions.select_related(
        "theme__strategy", "last_update__author", "last_update__organisation"
    ).annotate(
        lead_names=_joined(
            partners.filter(role=ActionPartner.Role.LEAD), "partner__name", "strategy_action"
        ),
        supporting_names=_joined(
            partners.filter(role=ActionPartner.Role.SUPPORTING),
            "partner__name",
            "strategy_action",
        ),
        council_references=_joined(
            council,
            Concat("reference", Value(": "), "text", output_field=CharField()),
            "strategy_action",
            separator=UNIT,
        ),
        sub_point_texts=_joined(
            SubPoint.objects.order_by(),
            Concat(Cast("position", CharField()), Value(". "), "text", output_field=CharField()),
            "strategy_action",
            separator=UNIT,
        ),
        council_worst=Subquery(
            council.filter(strategy_action=OuterRef("pk")).council_views().values("worst")
        ),
    )


def export_council_actions(actions: QuerySet[StrategyAction]) -> QuerySet[CouncilAction]:
    """The proposed council actions of `actions`, in plan order, for the workbook's second sheet."""
    return (
        selectors.council_action_list()
        .filter(strategy_action__in=actions.order_by().values("pk"))
        .select_related("lead_officer")
    )


def strategy_action_values(action: StrategyAction) -> list:
    """One strategy action's row, as Python values (dates as dates), from export_actions()."""
    update = action.last_update
    forum = voices.View(Status(action.status))
    council = (
        voices.View(SEVERITY[action.council_worst]) if action.council_worst is not None else None
    )
    return [
        action.theme.strategy.title,
        str(action.theme),
        action.reference,
        action.text,
        _lines(action.sub_point_texts),
        forum.status.label,
        action.percent_complete,
        _sorted(action.lead_names),
        _sorted(action.supporting_names),
        action.original_target_date,
        action.revised_target_date,
        _yes_no(action.is_overdue),
        _local_date(update.created_at) if update else None,
        _text(update.author) if update else "",
        _text(update.organisation) if update else "",
        update.narrative if update else "",
        update.next_steps if update else "",
        forum.status.label,
        council.status.label if council else "",
        _yes_no(voices.views_differ(forum, council)),
        _lines(action.council_references),
    ]


def council_action_values(council_action: CouncilAction) -> list:
    """One proposed council action's row, as Python values (dates as dates)."""
    latest = council_action.last_input
    return [
        council_action.strategy_action.reference,
        council_action.reference,
        council_action.text,
        _text(council_action.responsible_unit),
        _text(council_action.lead_officer),
        council_action.get_decision_display(),
        council_action.decided_by_display,
        council_action.decided_on,
        council_action.decision_reason,
        Status(council_action.status).label,
        council_action.percent_complete,
        council_action.original_target_date,
        council_action.revised_target_date,
        _local_date(latest.created_at) if latest else None,
        _text(latest.author) if latest else "",
        latest.commentary if latest else "",
        latest.resources if latest else "",
        _yes_no(council_action.added_after_report),
    ]


def _sorted(joined: str | None) -> str:
    """Joined names in a stable order (SQLite's GROUP_CONCAT cannot order them itself)."""
    return "; ".join(sorted(joined.split("; "))) if joined else ""


# Names are joined with "; ". Sentences are joined with a character nobody types (the
# ASCII unit separator), sorted, then written one to a line: a sentence may hold "; " or a
# line break of its own.
UNIT = "\x1f"
LINE = "\n"


class JoinedText(Aggregate):
    """Text values joined with a separator: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite.

    Django 5.2 has StringAgg for PostgreSQL only (a portable one arrives in 6.0).
    """

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, %(separator)s)"
    output_field = CharField()

    def __init__(self, expression, separator: str = "; ", **extra):
        super().__init__(expression, **extra)
        self.separator = separator

    def as_sql(self, compiler, connection, **extra_context):
        # The separator is ours, never typed: "; " or a newline, quoted as an SQL literal.
        quoted = "'" + self.separator.replace("'", "''") + "'"
        return super().as_sql(compiler, connection, separator=quoted, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _joined(queryset, field, outer: str, separator: str = "; "):
    """A per-row subquery joining `field` over the rows of `queryset` for the outer action."""
    return Subquery(
        queryset.filter(**{outer: OuterRef("pk")})
        .values(outer)
        .annotate(joined=JoinedText(field, separator=separator))
        .values("joined")
    )


def _lines(joined: str | None) -> str:
    """Joined sentences one to a line, in their order ("2. …" before "10. …"; T2.1a before
    T2.1b): SQLite's GROUP_CONCAT cannot order them itself."""
    if not joined:
        return ""

    def natural(line: str) -> list[tuple]:
        head = re.split(r"[:.] ", line, maxsplit=1)[0]  # "10" of "10. …"; "T2.1a" of "T2.1a: …"
        return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", head)]

    return LINE.join(sorted(joined.split(UNIT), key=natural))


def _filename(extension: str) -> str:
    return f"action-plan-{timezone.localdate().isoformat()}.{extension}"


# --- CSV ------------------------------------------------------------------------------


class Echo:
    """A file-like object that hands back what is written, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


def csv_lines(actions: QuerySet[StrategyAction]) -> Iterable[str]:
    """The CSV a line at a time: a byte order mark for Excel, the header, then each action."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    yield writer.writerow(STRATEGY_ACTION_HEADERS)
    for action in actions.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([_csv_cell(v) for v in strategy_action_values(action)])


@require_safe
@plan_reader_required
def action_plan_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered plan as CSV, one row per strategy action, streamed."""
    response = StreamingHttpResponse(
        csv_lines(filtered_actions(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


# --- Excel ----------------------------------------------------------------------------


def _xlsx_cell(value):
    if isinstance(value, str):
        # Control characters (say, pasted from a word processor) are not allowed in XML.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _header(sheet, headers: list[str]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for heading in headers:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        cells.append(cell)
    return cells


def write_workbook(actions: QuerySet[StrategyAction], file) -> None:
    """Write the two sheets in one pass over the actions, then save the workbook to `file`."""
    workbook = Workbook(write_only=True)
    action_sheet = workbook.create_sheet("Strategy actions")
    council_sheet = workbook.create_sheet("Proposed council actions")
    for sheet, headers in (
        (action_sheet, STRATEGY_ACTION_HEADERS),
        (council_sheet, COUNCIL_ACTION_HEADERS),
    ):
        sheet.freeze_panes = "A2"
        sheet.append(_header(sheet, headers))
    for action in actions.iterator(chunk_size=CHUNK_SIZE):
        action_sheet.append([_xlsx_cell(v) for v in strategy_action_values(action)])
    for council_action in export_council_actions(actions).iterator(chunk_size=CHUNK_SIZE):
        council_sheet.append([_xlsx_cell(v) for v in council_action_values(council_action)])
    workbook.save(file)


@require_safe
@plan_reader_required
def action_plan_xlsx(request: HttpRequest) -> FileResponse:
    """The filtered plan as an Excel workbook: its strategy actions and their council actions."""
    # On disk rather than in memory; the response closes (and so deletes) it once sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        write_workbook(filtered_actions(request), file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )
