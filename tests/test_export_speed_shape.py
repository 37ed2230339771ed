"""The exports made fast (issue 11) say just what they said before.

Rows are now read as plain values rather than model instances, and the workbook's rows
written as XML by reports.exports rather than cell by cell by openpyxl. So: each row is
checked against the models' own reading of the same action (as the exports made it
before), each cell against what openpyxl writes for the same value, and the progress
callback against the rows written.
"""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from actions import voices
from actions.models import ActionPartner, CouncilAction, Decision, StrategyAction
from actions.status import Status
from reports import exports
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    CouncilUnitFactory,
    PartnerFactory,
    StrategyActionFactory,
    SubPointFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import post_update, record_input

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 1, 31)
FUTURE = datetime.date(2040, 6, 30)


@pytest.fixture
def plan():
    """Strategy actions with each kind of cell an export has, empty ones too."""
    theme = ThemeFactory(number=2, title="Volunteering & <giving>")
    later_theme = ThemeFactory(strategy=theme.strategy, number=10, title="Later")
    officer = UserFactory(full_name="Sam Officer", organisation=None)
    username_only = UserFactory(full_name="", username="jo", organisation=None)
    writer = UserFactory(full_name="Priya Shah", organisation=PartnerFactory(name="Mencap"))
    unit = CouncilUnitFactory(name="Community Health")

    # Off track and overdue; partners in both roles; sub-points 1, 2 and 10; an update
    # typed as a formula, with a control character; a completed council action (the
    # council's view, far from the Forum's) and a withdrawn one (left out of it).
    first = StrategyActionFactory(
        theme=theme, position=1, reference="T2.1", original_target_date=PAST
    )
    for name, role in (
        ("Zeta Trust", ActionPartner.Role.LEAD),
        ("Alpha Aid", ActionPartner.Role.LEAD),
        ("Beta Care", ActionPartner.Role.SUPPORTING),
    ):
        ActionPartnerFactory(strategy_action=first, partner=PartnerFactory(name=name), role=role)
    for position in (10, 2, 1):
        SubPointFactory(strategy_action=first, position=position, text=f"Point; number {position}")
    post_update(
        first,
        writer,
        Status.OFF_TRACK,
        20,
        "=SUM(A1:A9) said\x0b the budget",
        next_steps="  Meet again  ",
    )
    done = CouncilActionFactory(
        strategy_action=first,
        position=1,
        reference="T2.1a",
        text="First line\nthen more",
        responsible_unit=unit,
        lead_officer=officer,
        decision=Decision.ENDORSED,
        decided_by_body="Cabinet",
        decided_on=datetime.date(2013, 3, 14),
        decision_reason="#N/A",
    )
    record_input(done, officer, Status.COMPLETED, 100, "-5 is the budget line", resources="@x")
    CouncilActionFactory(
        strategy_action=first,
        position=2,
        reference="T2.1b",
        text="Withdrawn, so not the council's view",
        status=Status.WITHDRAWN,
        responsible_unit=unit,
        decided_by=username_only,
        added_by=officer,
        original_target_date=PAST,
        revised_target_date=FUTURE,
    )

    # Completed long ago (so not overdue); no partners, sub-points, update or council action.
    StrategyActionFactory(
        theme=theme,
        position=2,
        reference="T2.2",
        status=Status.COMPLETED,
        percent_complete=100,
        original_target_date=PAST,
    )

    # Revised to the future (so not overdue); updated by someone of no organisation.
    third = StrategyActionFactory(
        theme=later_theme,
        position=1,
        reference="T10.1",
        original_target_date=PAST,
        revised_target_date=FUTURE,
    )
    post_update(third, username_only, Status.ON_TRACK, 60, "Going well = on track.")
    CouncilActionFactory(
        strategy_action=third, position=1, reference="T10.1a", responsible_unit=unit
    )
    return StrategyAction.objects.all()


def in_order(actions):
    """The actions for an export, in a fixed order."""
    return exports.export_actions(actions).order_by("theme__number", "position")


def with_models(actions):
    """The same actions as model instances with their partners and council actions."""
    return actions.prefetch_related("responsible_partners__partner", "council_actions")


def model_action_row(action: StrategyAction) -> list:
    """A strategy action's row as the models read it: as the export made it before."""
    update = action.last_update
    forum, council = voices.forum_view(action), voices.council_view(action)
    partners = action.responsible_partners.all()
    return [
        action.theme.strategy.title,
        str(action.theme),
        action.reference,
        action.text,
        "\n".join(f"{p.position}. {p.text}" for p in action.sub_points.order_by("position")),
        Status(action.status).label,
        action.percent_complete,
        "; ".join(sorted(p.partner.name for p in partners if p.role == ActionPartner.Role.LEAD)),
        "; ".join(
            sorted(p.partner.name for p in partners if p.role == ActionPartner.Role.SUPPORTING)
        ),
        action.original_target_date,
        action.revised_target_date,
        "Yes" if action.is_overdue else "No",
        timezone.localdate(update.created_at) if update else None,
        str(update.author) if update else "",
        str(update.organisation) if update and update.organisation else "",
        update.narrative if update else "",
        update.next_steps if update else "",
        forum.status.label,
        council.status.label if council else "",
        "Yes" if voices.views_differ(forum, council) else "No",
        "\n".join(f"{c.reference}: {c.text}" for c in action.council_actions.order_by("position")),
        action.theme.strategy.slug,
        action.theme.number,
        action.position,
    ]


def model_council_action_row(council_action: CouncilAction) -> list:
    latest = council_action.last_input
    return [
        council_action.strategy_action.reference,
        council_action.reference,
        council_action.text,
        str(council_action.responsible_unit),
        str(council_action.lead_officer) if council_action.lead_officer else "",
        council_action.get_decision_display(),
        council_action.decided_by_display,
        council_action.decided_on,
        council_action.decision_reason,
        Status(council_action.status).label,
        council_action.percent_complete,
        council_action.original_target_date,
        council_action.revised_target_date,
        timezone.localdate(latest.created_at) if latest else None,
        str(latest.author) if latest else "",
        latest.commentary if latest else "",
        latest.resources if latest else "",
        "Yes" if council_action.added_after_report else "No",
        council_action.strategy_action.theme.strategy.slug,
        council_action.strategy_action.theme.number,
        council_action.position,
        council_action.responsible_unit.slug,
    ]


# --- Rows -----------------------------------------------------------------------------


def test_strategy_action_rows_are_what_the_models_say(plan):
    actions = in_order(plan)

    rows = list(exports.action_rows(actions))

    assert rows == [model_action_row(action) for action in with_models(actions)]
    assert [row[11] for row in rows] == ["Yes", "No", "No"]  # overdue, each way
    assert rows[0][19] == "Yes"  # the views differ


def test_council_action_rows_are_what_the_models_say(plan):
    council_actions = exports.export_council_actions(in_order(plan))

    rows = list(exports.council_action_rows(council_actions))

    assert rows == [model_council_action_row(c) for c in council_actions]
    assert [row[6] for row in rows] == ["Cabinet", "jo", ""]  # decided by a body or a person


def test_csv_is_the_rows_neutralised(plan):
    actions = in_order(plan)

    body = "".join(exports.csv_lines(actions))

    assert body.startswith("\ufeff")
    [header, *rows] = list(csv.reader(io.StringIO(body[1:])))
    assert header == exports.STRATEGY_ACTION_HEADERS
    expected = [
        [
            ""
            if value is None
            else value.isoformat()
            if isinstance(value, datetime.date)
            else str(exports.neutralise(value))
            for value in model_action_row(action)
        ]
        for action in with_models(actions)
    ]
    assert rows == expected
    assert rows[0][15] == "'=SUM(A1:A9) said\x0b the budget"


# --- Cells ----------------------------------------------------------------------------

# Text of each kind openpyxl treats apart, numbers and dates. (A carriage return is left
# out: openpyxl writes it bare without lxml, so a reader sees a line feed, and escaped
# with lxml.)
AWKWARD = [
    "Plain",
    " leading space",
    "trailing space ",
    "   ",
    "",
    "a & b < c > d \"quoted\" 'single'",
    "#N/A",
    "#DIV/0!",
    "=1+2",
    "+44 20 7946 0000",
    "-5",
    "@SUM(1)",
    "\t=1",
    "Bell\x07, vertical tab\x0b and nul\x00 dropped",
    "\x0b",
    "Line one\nline two",
    "Unicode: café – “quoted” — 日本語 🙂",
    "x" * 40_000,
    0,
    100,
    12_345_678_901_234_567,
    datetime.date(1900, 1, 1),
    datetime.date(1900, 3, 1),
    datetime.date(2031, 1, 15),
    None,
    "After an empty cell",
]


def as_openpyxl_writes(rows: list[list]) -> bytes:
    """A workbook as the export wrote it before: openpyxl's write-only sheet, cell by cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Awkward")
    sheet.freeze_panes = "A2"
    header = []
    for heading in ("One", "Two"):
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [
                exports.neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v
                for v in row
            ]
        )
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue()


def cells(book: bytes) -> list[list[tuple]]:
    sheet = openpyxl.load_workbook(io.BytesIO(book))["Awkward"]
    return [
        [(c.coordinate, c.value, c.data_type, c.number_format, c.font.b) for c in row]
        for row in sheet.iter_rows()
    ]


def test_cells_are_what_openpyxl_writes():
    rows = [AWKWARD, list(reversed(AWKWARD)), [None, "x"], []]
    file = io.BytesIO()

    exports.write_sheets(file, [("Awkward", ["One", "Two"], rows)])

    book = file.getvalue()
    assert cells(book) == cells(as_openpyxl_writes(rows))
    sheet = openpyxl.load_workbook(io.BytesIO(book))["Awkward"]
    assert sheet.freeze_panes == "A2"
    if not openpyxl.LXML:
        # The very bytes, with the writer openpyxl uses without lxml.
        ours, theirs = (
            zipfile.ZipFile(io.BytesIO(book)),
            zipfile.ZipFile(io.BytesIO(as_openpyxl_writes(rows))),
        )
        for name in ("xl/worksheets/sheet1.xml", "xl/styles.xml"):
            assert ours.read(name) == theirs.read(name)


def test_a_cell_of_another_type_is_refused():
    with pytest.raises(TypeError, match="float"):
        exports.write_sheets(io.BytesIO(), [("Awkward", ["One"], [[1.5]])])


def test_the_workbook_is_the_rows(plan):
    actions = in_order(plan)
    file = io.BytesIO()

    exports.write_workbook(actions, file)

    book = openpyxl.load_workbook(io.BytesIO(file.getvalue()))
    assert book.sheetnames[:3] == ["Strategy actions", "Proposed council actions", "Indicators"]
    for sheet, headers, rows in (
        (book["Strategy actions"], exports.STRATEGY_ACTION_HEADERS, exports.action_rows(actions)),
        (
            book["Proposed council actions"],
            exports.COUNCIL_ACTION_HEADERS,
            exports.council_action_rows(exports.export_council_actions(actions)),
        ),
        (book["Indicators"], exports.INDICATOR_HEADERS, exports.indicator_rows()),
    ):
        assert sheet.freeze_panes == "A2"
        [header, *body] = sheet.iter_rows()
        assert [c.value for c in header] == headers
        assert all(c.font.b for c in header)
        expected = [
            [
                datetime.datetime.combine(v, datetime.time())
                if isinstance(v, datetime.date)
                else exports.neutralise(ILLEGAL_CHARACTERS_RE.sub("", v) or None)
                if isinstance(v, str)
                else v
                for v in row
            ]
            for row in rows
        ]
        assert [[c.value for c in row] for row in body] == expected


# --- Progress -------------------------------------------------------------------------


def make_actions(count: int) -> None:
    theme = ThemeFactory()
    for position in range(1, count + 1):
        StrategyActionFactory(theme=theme, position=position)


@pytest.mark.parametrize(("count", "told"), [(0, [0]), (2, [2]), (6, [3, 6]), (7, [3, 6, 7])])
def test_csv_tells_its_progress(monkeypatch, count, told):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    make_actions(count)
    calls = []

    lines = list(
        exports.csv_lines(
            exports.export_actions(StrategyAction.objects.all()), progress=calls.append
        )
    )

    assert len(lines) == 2 + count
    assert calls == told


@pytest.mark.parametrize(("count", "told"), [(0, [0]), (6, [3, 6]), (7, [3, 6, 7])])
def test_workbook_tells_its_progress(monkeypatch, count, told):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    make_actions(count)
    calls = []

    exports.write_workbook(
        exports.export_actions(StrategyAction.objects.all()), io.BytesIO(), progress=calls.append
    )

    assert calls == told


def test_progress_is_told_as_the_rows_are_written(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    make_actions(7)
    calls = []
    written = []

    for line in exports.csv_lines(
        exports.export_actions(StrategyAction.objects.all()),
        progress=lambda count: calls.append((count, len(written))),
    ):
        written.append(line)

    # (rows told, lines taken so far: the byte order mark, the header and the rows)
    assert calls == [(3, 5), (6, 8), (7, 9)]


def test_the_csv_view_sends_the_lines_in_pieces():
    lines = ["a" * 40_000, "b" * 40_000, "c"]

    assert list(exports.in_pieces(line for line in lines)) == ["a" * 40_000 + "b" * 40_000, "c"]


# --- The database ---------------------------------------------------------------------


def jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
def test_queries_are_planned_without_jit_and_the_setting_put_back(plan, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    told = []

    def progress(count):
        told.append((count, jit()))

    "".join(exports.csv_lines(in_order(plan), progress=progress))
    exports.write_workbook(in_order(plan), io.BytesIO(), progress=progress)

    # Off while the rows are read; on again once the export is written.
    assert told == [(2, "off"), (3, "on"), (2, "off"), (3, "on")]
    assert jit() == "on"
