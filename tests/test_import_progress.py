"""Progress in bulk from a spreadsheet (issue 14): the template, a preview, and updates posted
into the open round as submitted ones for review, through post_progress_update."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from actions.models import ProgressUpdate, ReviewState, StrategyAction
from actions.status import Status
from imports import progress, services
from imports.models import ImportRecord
from tests.factories import (
    MonitoringRoundFactory,
    PartnerFactory,
    StrategyActionFactory,
    ThemeFactory,
    UserFactory,
)
from tests.test_imports import plan_dump

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def coordinator(db):
    return UserFactory(role=Role.FORUM_COORDINATOR, organisation=PartnerFactory(name="Forum"))


@pytest.fixture
def plan(db):
    theme = ThemeFactory()
    return [StrategyActionFactory(theme=theme, position=n, reference=f"T1.{n}") for n in (1, 2, 3)]


@pytest.fixture
def open_round(db):
    return MonitoringRoundFactory()


def filled_template(rows: dict[str, list]) -> bytes:
    """The downloaded template with the update columns of some actions filled in."""
    book = load_workbook(io.BytesIO(progress.template_bytes()))
    sheet = book[progress.SHEET]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = rows.get(row[headers.index("Reference")].value)
        for column, value in zip(progress.UPDATE_COLUMNS, values or [], strict=False):
            row[headers.index(column)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="progress.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def preview(data, user):
    return services.preview(upload=upload(data), kind=ImportRecord.Kind.PROGRESS, uploaded_by=user)


def test_the_template_lists_every_current_action_with_its_keys(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.get(reverse("import_progress_template"))
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="progress-updates-')
    sheet = load_workbook(io.BytesIO(response.content))[progress.SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == progress.TEMPLATE_HEADERS
    assert [row[2] for row in rows[1:]] == ["T1.1", "T1.2", "T1.3"]
    assert rows[1][0] == plan[0].theme.strategy.slug
    assert rows[1][4] == "Not started"


def test_filled_rows_become_submitted_updates_in_the_open_round(coordinator, plan, open_round):
    data = filled_template(
        {
            "T1.1": ["On track", 30, "Three events held", "A fourth in May"],
            "T1.3": ["at_risk", "10", "The venue fell through", ""],
        }
    )
    record = preview(data, coordinator)
    assert record.error_count == 0, services.comparison_of(record).errors
    assert record.counts[progress.SHEET] == {"new": 2, "changed": 0, "unchanged": 0, "skipped": 1}
    assert not ProgressUpdate.all_records.exists()  # a preview writes nothing

    services.confirm(record=record, confirmed_by=coordinator)

    updates = ProgressUpdate.all_records.order_by("strategy_action__reference")
    assert [(u.strategy_action.reference, u.status, u.percent_complete) for u in updates] == [
        ("T1.1", Status.ON_TRACK, 30),
        ("T1.3", Status.AT_RISK, 10),
    ]
    for update in updates:
        assert update.review_state == ReviewState.SUBMITTED
        assert update.round == open_round
        assert update.author == coordinator
        assert update.organisation == coordinator.organisation
        assert update.history.first().history_user == coordinator
    assert updates[0].narrative == "Three events held"
    assert updates[0].next_steps == "A fourth in May"
    # Submitted, not approved: the actions stand where they stood until a review.
    assert StrategyAction.objects.get(reference="T1.1").status == Status.NOT_STARTED


def test_problems_are_named_by_row_and_column(coordinator, plan, open_round):
    data = filled_template(
        {
            "T1.1": ["Rather good", 30, "Words", ""],
            "T1.2": ["Completed", 50, "Words", ""],
            "T1.3": ["On track", 150, "", ""],
        }
    )
    before = plan_dump()
    record = preview(data, coordinator)
    errors = {(e.row, e.column): e.message for e in services.comparison_of(record).errors}
    assert errors[(2, "Status")].startswith("The status must be one of: Not started, On track")
    assert errors[(3, "Percent complete")] == (
        "An action that is completed is 100% complete: change the status or the percent"
    )
    assert errors[(4, "Percent complete")] == "The percent complete must be between 0 and 100"
    assert errors[(4, "What has happened")] == "Enter what has happened"
    with pytest.raises(services.NotApplicable):
        services.confirm(record=record, confirmed_by=coordinator)
    assert plan_dump() == before
    assert not ProgressUpdate.all_records.exists()


def test_without_an_open_round_nothing_can_be_imported(coordinator, plan):
    record = preview(filled_template({"T1.1": ["On track", 30, "Words", ""]}), coordinator)
    [error] = services.comparison_of(record).errors
    assert error.message == progress.NO_ROUND
    with pytest.raises(services.NotApplicable):
        services.confirm(record=record, confirmed_by=coordinator)


def test_an_action_updated_since_the_preview_refuses_the_whole_import(
    coordinator, plan, open_round
):
    data = filled_template(
        {"T1.1": ["On track", 30, "Words", ""], "T1.2": ["On track", 20, "More words", ""]}
    )
    record = preview(data, coordinator)
    StrategyAction.objects.filter(reference="T1.2").update(version=99)  # someone else's update
    with pytest.raises(services.Stale):
        services.confirm(record=record, confirmed_by=coordinator)
    assert not ProgressUpdate.all_records.exists()  # T1.1's neither: one transaction
    record.refresh_from_db()
    assert record.state == ImportRecord.State.STALE


def test_a_csv_of_updates(client, coordinator, plan, open_round):
    client.force_login(coordinator)
    action = plan[1]
    body = "Strategy key,Theme number,Reference,Status,Percent complete,What has happened\n"
    body += f"{action.theme.strategy.slug},{action.theme.number},T1.2,On track,40,From a CSV\n"
    response = client.post(
        reverse("import_progress"),
        {"file": SimpleUploadedFile("p.csv", body.encode(), content_type="text/csv")},
    )
    record = ImportRecord.objects.get()
    assert response["Location"] == reverse("import_preview", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert "submit these updates for review" in page
    client.post(reverse("import_confirm", args=[record.pk]))
    update = ProgressUpdate.all_records.get()
    assert (update.strategy_action, update.narrative) == (action, "From a CSV")


def preview_page_queries(client, coordinator, size: int) -> int:
    theme = ThemeFactory()
    for n in range(1, size + 1):
        StrategyActionFactory(theme=theme, position=n, reference=f"T{theme.number}.{n}")
    data = filled_template(
        {f"T{theme.number}.{n}": ["On track", 30, "Words", ""] for n in range(1, size + 1)}
    )
    record = preview(data, coordinator)
    assert record.counts[progress.SHEET]["new"] == size
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("import_preview", args=[record.pk]))
    assert response.status_code == 200
    assert f">{size}<" in response.content.decode()  # the count of new rows
    return len(queries)


def test_the_preview_page_reads_a_constant_number_of_queries(client, coordinator, open_round):
    few = preview_page_queries(client, coordinator, 5)
    many = preview_page_queries(client, coordinator, 60)
    assert few == many
    assert many <= 15


def test_the_rounds_page_links_importers_to_the_imports(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("rounds")).content.decode()
    assert reverse("import_progress") in page
    assert reverse("import_plan") in page
    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    assert reverse("import_progress") not in client.get(reverse("rounds")).content.decode()
