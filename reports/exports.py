"""Exports of the action plan: a CSV and an Excel workbook, with the plan page's filters.

Both read the plan a chunk at a time (``.iterator(chunk_size=CHUNK_SIZE)``), so memory
stays flat whatever the size of the plan, and both are made for speed (issue 11):

* a strategy action's row is built once (``action_rows``) for both, from one streamed
  query of plain values (``values_list``: making model instances cost more than the rest
  of the row), whose partners, sub-points and council actions come from per-row subqueries
  that join nothing they do not need; the CSV writes each row as it is made;
* the workbook is made by openpyxl in write-only mode (sheets, header row, frozen panes,
  styles, the package), but the rows below the header are written here as the XML that
  openpyxl writes for the same values (``_SheetRows``), streamed into their sheet's entry
  of the zip file (``write_sheets``): openpyxl's cell-by-cell writer took four fifths of
  the workbook's time. Strings are inline, so no shared-string table grows in memory. The
  second sheet, the proposed council actions, is a second streamed query.

On PostgreSQL the queries are planned without JIT compilation (``_without_jit``).

Narratives and other cells are typed by people, so any text that a spreadsheet
would read as a formula is prefixed with a single quote (OWASP's advice on CSV
injection).
"""

import contextlib
import csv
import datetime
import functools
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator
from decimal import Decimal

from django.db import DatabaseError, connections
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.db.transaction import TransactionManagementError
from django.http import HttpRequest
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from accounts.models import Partner, User
from actions import selectors, voices
from actions.filters import PlanFilter
from actions.models import ActionPartner, CouncilAction, StrategyAction, SubPoint
from actions.status import CLOSED, SEVERITY, Status
from themes.models import Theme

from . import plan_format
from .indicator_figures import INDICATOR_HEADERS, indicator_rows

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Progress = Callable[[int], None]

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
    # The keys an import matches rows by (reports/plan_format.py), after what Cabinet reads.
    "Strategy key",
    "Theme number",
    "Position",
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
    # The keys an import matches rows by (reports/plan_format.py).
    "Strategy key",
    "Theme number",
    "Position",
    "Responsible unit key",
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


# --- What is exported ---------------------------------------------------------------


def filtered_actions(request: HttpRequest) -> QuerySet[StrategyAction]:
    """The strategy actions the plan page would show for the same query string, with
    everything a row needs in the one query (see export_actions)."""
    actions = selectors.plan_actions().select_related(None).prefetch_related(None)
    return export_actions(PlanFilter(request.GET, queryset=actions).qs)


def export_actions(actions: QuerySet[StrategyAction]) -> QuerySet[StrategyAction]:
    """The actions with everything a strategy action's row needs, in the one query.

    Partners, sub-points, council references and the council's worst status come from
    per-row subqueries instead of prefetching, so a whole export is one streamed query
    (a server-side cursor on PostgreSQL) whatever its size. Each subquery reads only its
    own table and the partners' names: none is ordered, as the default orderings of its
    models would join it up to the strategy, for nothing, on every row.
    """
    partners = ActionPartner.objects.order_by()
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


# What a row reads, as plain values: the strategy action's own fields, its annotations from
# export_actions() and the fields of its theme, strategy and latest update. The primary key
# comes last, only so that a distinct() queryset stays one row per action.
ACTION_FIELDS = (
    "theme__strategy__title",
    "theme__number",
    "theme__title",
    "reference",
    "text",
    "sub_point_texts",
    "status",
    "percent_complete",
    "lead_names",
    "supporting_names",
    "original_target_date",
    "revised_target_date",
    "last_update__created_at",
    "last_update__author__full_name",
    "last_update__author__username",
    "last_update__organisation__name",
    "last_update__narrative",
    "last_update__next_steps",
    "council_worst",
    "council_references",
    "theme__strategy__slug",
    "position",
    "pk",
)

COUNCIL_ACTION_FIELDS = (
    "strategy_action__reference",
    "reference",
    "text",
    "responsible_unit__name",
    "lead_officer__full_name",
    "lead_officer__username",
    "decision",
    "decided_by_body",
    "decided_by__full_name",
    "decided_by__username",
    "decided_on",
    "decision_reason",
    "status",
    "percent_complete",
    "original_target_date",
    "revised_target_date",
    "last_input__created_at",
    "last_input__author__full_name",
    "last_input__author__username",
    "last_input__commentary",
    "last_input__resources",
    "added_by_id",
    "strategy_action__theme__strategy__slug",
    "strategy_action__theme__number",
    "position",
    "responsible_unit__slug",
    "pk",
)

STATUS_LABELS = {status.value: status.label for status in Status}


def _labels(model, *fields: str) -> Callable[..., str]:
    """str() of a `model` made from the values of `fields` (all its __str__ reads), made
    once per distinct value for the length of one export (people, themes, partners)."""
    return functools.cache(lambda *values: str(model(**dict(zip(fields, values, strict=True)))))


def _views() -> Callable[[str, int | None], tuple[str, str, str]]:
    """The Forum's view, the council's view and whether they differ, for a status and the
    council's worst (a SEVERITY index, or None), as the two voices reckon them; once per
    distinct pair for the length of one export."""

    @functools.cache
    def views(status: str, worst: int | None) -> tuple[str, str, str]:
        forum = voices.View(Status(status))
        council = voices.View(SEVERITY[worst]) if worst is not None else None
        return (
            forum.status.label,
            council.status.label if council else "",
            _yes_no(voices.views_differ(forum, council)),
        )

    return views


def _overdue(status: str, original, revised, today: datetime.date) -> bool:
    """As TrackedAction.is_overdue, from plain values and the day the export began."""
    due = revised or original
    return due is not None and due < today and status not in CLOSED


@contextlib.contextmanager
def _without_jit(using: str):
    """On PostgreSQL, the export's queries planned without JIT compilation; the
    connection's own setting is put back afterwards.

    The planner reckons the per-row subqueries of export_actions() dear enough to compile
    the query to machine code, which at 50,000 actions took 0.8 s of a 2.5 s query
    (EXPLAIN ANALYZE), while the subqueries are quick index look-ups. (SET LOCAL would need
    a transaction around the whole export, which would hide until its end the progress a
    background job records as it goes.)
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        [setting] = cursor.fetchone()
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [setting])
        except (DatabaseError, TransactionManagementError):
            pass  # a broken connection takes the setting with it; an aborted transaction's
            # rollback undoes it


def action_rows(actions: QuerySet[StrategyAction]) -> Iterator[list]:
    """Each strategy action's row as Python values (dates as dates), in the order of
    `actions` (from export_actions()), streamed a chunk at a time."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    theme = _labels(Theme, "number", "title")
    person = _labels(User, "full_name", "username")
    partner = _labels(Partner, "name")
    views = _views()
    for (
        strategy,
        theme_number,
        theme_title,
        reference,
        text,
        sub_points,
        status,
        percent,
        lead,
        supporting,
        original,
        revised,
        updated_at,
        author_name,
        author_username,
        organisation,
        narrative,
        next_steps,
        worst,
        council_references,
        strategy_slug,
        position,
        _pk,
    ) in actions.values_list(*ACTION_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        updated = updated_at is not None
        forum_view, council_view, differ = views(status, worst)
        yield [
            strategy,
            theme(theme_number, theme_title),
            reference,
            text,
            _lines(sub_points),
            forum_view,
            percent,
            _sorted(lead),
            _sorted(supporting),
            original,
            revised,
            _yes_no(_overdue(status, original, revised, today)),
            timezone.localtime(updated_at, zone).date() if updated else None,
            person(author_name, author_username) if updated else "",
            partner(organisation) if organisation is not None else "",
            narrative if updated else "",
            next_steps if updated else "",
            forum_view,
            council_view,
            differ,
            _lines(council_references),
            strategy_slug,
            theme_number,
            position,
        ]


def council_action_rows(council_actions: QuerySet[CouncilAction]) -> Iterator[list]:
    """Each proposed council action's row as Python values (dates as dates), in the order
    of `council_actions` (from export_council_actions()), streamed a chunk at a time."""
    zone = timezone.get_current_timezone()
    person = _labels(User, "full_name", "username")
    partner = _labels(Partner, "name")
    decisions = {
        value: str(label) for value, label in CouncilAction._meta.get_field("decision").flatchoices
    }
    for (
        strategy_action_reference,
        reference,
        text,
        unit,
        officer_name,
        officer_username,
        decision,
        decided_by_body,
        decider_name,
        decider_username,
        decided_on,
        decision_reason,
        status,
        percent,
        original,
        revised,
        input_at,
        author_name,
        author_username,
        commentary,
        resources,
        added_by_id,
        strategy_slug,
        theme_number,
        position,
        unit_slug,
        _pk,
    ) in council_actions.values_list(*COUNCIL_ACTION_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        latest = input_at is not None
        # As CouncilAction.decided_by_display.
        decided_by = decided_by_body or (
            person(decider_name, decider_username) if decider_username is not None else ""
        )
        yield [
            strategy_action_reference,
            reference,
            text,
            partner(unit) if unit is not None else "",
            person(officer_name, officer_username) if officer_username is not None else "",
            decisions.get(decision, decision),
            decided_by,
            decided_on,
            decision_reason,
            STATUS_LABELS[status],
            percent,
            original,
            revised,
            timezone.localtime(input_at, zone).date() if latest else None,
            person(author_name, author_username) if latest else "",
            commentary if latest else "",
            resources if latest else "",
            _yes_no(added_by_id is not None),  # as CouncilAction.added_after_report
            strategy_slug,
            theme_number,
            position,
            unit_slug or "",
        ]


def _sorted(joined: str | None) -> str:
    """Joined names in a stable order (SQLite's GROUP_CONCAT cannot order them itself)."""
    if not joined:
        return ""
    if "; " not in joined:
        return joined
    return "; ".join(sorted(joined.split("; ")))


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


_HEAD = re.compile(r"[:.] ")
_NUMBERS = re.compile(r"\d+|\D+")


def _natural(line: str) -> list[tuple]:
    head = _HEAD.split(line, maxsplit=1)[0]  # "10" of "10. …"; "T2.1a" of "T2.1a: …"
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in _NUMBERS.findall(head)]


def _lines(joined: str | None) -> str:
    """Joined sentences one to a line, in their order ("2. …" before "10. …"; T2.1a before
    T2.1b): SQLite's GROUP_CONCAT cannot order them itself."""
    if not joined:
        return ""
    if UNIT not in joined:
        return joined
    return LINE.join(sorted(joined.split(UNIT), key=_natural))


def filename(extension: str) -> str:
    """The name of an export made today, for its download."""
    return f"action-plan-{timezone.localdate().isoformat()}.{extension}"


class _Counter:
    """Counts the rows that pass, telling `progress` the count every CHUNK_SIZE rows; the
    caller tells it the final count (done()) once the whole export is written."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.count = 0

    def rows(self, rows: Iterable[list]) -> Iterator[list]:
        step = CHUNK_SIZE
        for row in rows:
            # Before the next row rather than after the last of a chunk: the end is told
            # once, by done(), even when the rows end on a chunk's last.
            if self.progress is not None and self.count and self.count % step == 0:
                self.progress(self.count)
            self.count += 1
            yield row

    def done(self) -> None:
        if self.progress is not None:
            self.progress(self.count)


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


def csv_lines(
    actions: QuerySet[StrategyAction], *, progress: Progress | None = None
) -> Generator[str]:
    """The CSV a line at a time: a byte order mark for Excel, the header, then each action
    of `actions` (from export_actions()).

    `progress`, if given, is called with the number of rows written so far every
    CHUNK_SIZE rows, and once with the total at the end.
    """
    writer = csv.writer(Echo())
    counter = _Counter(progress)
    yield "\ufeff"
    yield writer.writerow(STRATEGY_ACTION_HEADERS)
    with _without_jit(actions.db):
        for row in counter.rows(action_rows(actions)):
            # Text (most cells) neutralised here, anything else by _csv_cell.
            yield writer.writerow(
                [
                    ("'" + value if value.startswith(FORMULA_TRIGGERS) else value)
                    if type(value) is str
                    else _csv_cell(value)
                    for value in row
                ]
            )
    counter.done()


def in_pieces(lines: Generator[str], size: int = 64 * 1024) -> Iterator[str]:
    """The lines joined into pieces of about `size` characters: one write to the client for
    many rows, not one each. Closing this closes `lines`."""
    with contextlib.closing(lines):
        piece: list[str] = []
        length = 0
        for line in lines:
            piece.append(line)
            length += len(line)
            if length >= size:
                yield "".join(piece)
                piece, length = [], 0
        if piece:
            yield "".join(piece)


# --- Excel ----------------------------------------------------------------------------

COLUMN_LETTERS = [get_column_letter(column) for column in range(1, 100)]
# Rows of a sheet gathered into one write to its zip entry.
ROWS_PER_WRITE = 500
# The XML of texts up to SHORT_TEXT characters is kept for reuse, SHORT_TEXTS_KEPT at most
# (then forgotten, to begin again).
SHORT_TEXT = 100
SHORT_TEXTS_KEPT = 10_000


def _header(sheet, headers: list[str]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for heading in headers:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        cells.append(cell)
    return cells


def _xlsx_text(value: str) -> str:
    """A text cell's XML after its reference: what openpyxl writes for the text once
    control characters (not allowed in XML) are dropped and a formula neutralised."""
    if not value.isprintable():  # quicker than the search, and true of most text
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    value = value[:32767]  # openpyxl's limit, Excel's too
    if not value:
        return ' t="inlineStr" />'
    if value in ERROR_CODES:  # "#N/A" and the like: openpyxl writes them as errors
        return f' t="e"><v>{value}</v></c>'
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


class _SheetRows:
    """Rows of Python values as the XML openpyxl writes for them in a write-only sheet."""

    def __init__(self, date_style: int):
        self.date_style = date_style
        self.dates: dict[datetime.date, str] = {}
        # Short texts, most of them repeated (statuses, names, Yes and No), made once.
        self.texts: dict[str, str] = {}

    def date(self, value: datetime.date) -> str:
        serial = self.dates.get(value)
        if serial is None:
            serial = self.dates[value] = f"{to_excel(value):.16g}"  # as openpyxl formats it
        return serial

    def row(self, number: int, values: list) -> str:
        """The XML openpyxl writes for `sheet.append(values)` as row `number`: empty cells
        left out, text inline, numbers as they are, dates as serial numbers in the date
        style."""
        r = str(number)
        parts = [f'<row r="{r}">']
        texts = self.texts
        for letter, value in zip(COLUMN_LETTERS, values, strict=False):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                cell = texts.get(value)
                if cell is None:
                    cell = _xlsx_text(value)
                    if len(value) <= SHORT_TEXT:
                        if len(texts) == SHORT_TEXTS_KEPT:
                            texts.clear()
                        texts[value] = cell
                parts.append(f'<c r="{letter}{r}"{cell}')
            elif kind is int:
                parts.append(f'<c r="{letter}{r}" t="n"><v>{value:.16g}</v></c>')
            elif kind is Decimal:  # indicator figures (two decimal places at most)
                parts.append(f'<c r="{letter}{r}" t="n"><v>{value:f}</v></c>')
            elif kind is datetime.date:
                parts.append(
                    f'<c r="{letter}{r}" s="{self.date_style}" t="n"><v>{self.date(value)}</v></c>'
                )
            else:
                raise TypeError(f"No cell for {kind.__name__} in an export: {value!r}")
        parts.append("</row>")
        return "".join(parts)

    def xml(self, rows: Iterable[list], first: int = 2) -> Iterator[bytes]:
        """The rows' XML in pieces of ROWS_PER_WRITE rows, numbered from `first`."""
        piece = []
        for number, values in enumerate(rows, first):
            piece.append(self.row(number, values))
            if len(piece) == ROWS_PER_WRITE:
                yield "".join(piece).encode()
                piece = []
        if piece:
            yield "".join(piece).encode()


def write_workbook(
    actions: QuerySet[StrategyAction], file, *, progress: Progress | None = None
) -> None:
    """Write the two sheets in one pass over the actions (from export_actions()) and their
    proposed council actions to `file` (a path or a binary file object).

    `progress`, if given, is called with the number of strategy actions written so far
    every CHUNK_SIZE rows, and once with the total when the workbook is written.
    """
    counter = _Counter(progress)
    with _without_jit(actions.db):
        write_sheets(
            file,
            [
                (
                    "Strategy actions",
                    STRATEGY_ACTION_HEADERS,
                    counter.rows(action_rows(actions)),
                ),
                (
                    "Proposed council actions",
                    COUNCIL_ACTION_HEADERS,
                    council_action_rows(export_council_actions(actions)),
                ),
                ("Indicators", INDICATOR_HEADERS, indicator_rows()),
                # What an import needs that the sheets above do not carry (issue 14).
                *plan_format.sheets(actions),
            ],
        )
    counter.done()


def write_sheets(file, sheets: list[tuple[str, list[str], Iterable[list]]]) -> None:
    """Write a workbook of `sheets` (title, headers, rows of Python values) to `file`,
    each sheet with its headers in bold and frozen above its rows.

    openpyxl, in write-only mode, makes the workbook with each sheet's header row. That is
    then copied to `file` entry by entry, and each sheet's rows streamed into its entry as
    the XML openpyxl would write for them (_SheetRows), a piece at a time: the rows are
    read as the sheet is written, the first sheet's first. Text is neutralised as a
    formula and stripped of the control characters XML does not allow.
    """
    workbook = Workbook(write_only=True)
    made = []
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        sheet.append(_header(sheet, headers))
        made.append((sheet, rows))
    # A date cell's style (a date number format), added to the workbook's styles as openpyxl
    # adds it for the first date it writes.
    date_style = WriteOnlyCell(made[0][0], value=datetime.date(2000, 1, 1)).style_id
    skeleton = io.BytesIO()
    workbook.save(skeleton)

    sheet_rows = _SheetRows(date_style)
    bodies = {sheet.path.lstrip("/"): sheet_rows.xml(rows) for sheet, rows in made}
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            body = bodies.pop(entry.filename, None)
            if body is None:
                target.writestr(entry, data)
                continue
            head, end, tail = data.rpartition(b"</sheetData>")
            if not end:
                raise ValueError(f"No rows in {entry.filename} to write after")
            with target.open(entry, "w") as sheet_xml:
                sheet_xml.write(head)
                for piece in body:
                    sheet_xml.write(piece)
                sheet_xml.write(end + tail)
    if bodies:
        raise ValueError(f"No entry for {', '.join(bodies)} in the workbook")
