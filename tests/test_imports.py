"""Importing the plan from a spreadsheet (issue 14): the export is the import format, a round
trip changes nothing, a preview comes before anything is written, a stale preview is refused,
and each problem is named with its sheet, row and column."""

import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from actions.models import CouncilAction, StrategyAction, SubPoint
from imports import services
from imports.models import ImportRecord
from indicators.models import Indicator
from reports import exports
from reports import plan_format as F
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    CouncilUnitFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MilestoneFactory,
    PartnerFactory,
    StrategyActionFactory,
    SubPointFactory,
    UserFactory,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PLAN_APPS = ["strategy", "accounts", "themes", "actions", "indicators"]


def plan_dump() -> str:
    """Every row of the plan's tables (and their history), serialised in primary key order."""
    parts = []
    for app in PLAN_APPS:
        for model in sorted(apps.get_app_config(app).get_models(), key=lambda m: m.__name__):
            if model.__name__ in {"User", "Session"}:
                continue
            parts.append(serializers.serialize("json", model._base_manager.order_by("pk")))
    return "\n".join(parts)


def export_bytes() -> bytes:
    buffer = io.BytesIO()
    actions = exports.export_actions(StrategyAction.objects.all())
    exports.write_workbook(actions, buffer)
    return buffer.getvalue()


def cell_values(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {
        sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def upload(data: bytes, name="plan.xlsx", content_type=XLSX):
    return SimpleUploadedFile(name, data, content_type=content_type)


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def coordinator(db):
    return UserFactory(role=Role.FORUM_COORDINATOR, organisation=PartnerFactory())


def a_plan():
    """A small plan with one of everything an import reads."""
    action = StrategyActionFactory()
    SubPointFactory(
        strategy_action=action, position=1, text="=a sub-point that looks like a formula"
    )
    ActionPartnerFactory(strategy_action=action)
    unit = CouncilUnitFactory()
    council = CouncilActionFactory(strategy_action=action, responsible_unit=unit)
    MilestoneFactory(strategy_action=action)
    MilestoneFactory(council_action=council, strategy_action=None)
    indicator = IndicatorFactory(strategy=action.theme.strategy)
    IndicatorTargetFactory(indicator=indicator)
    return action


# --- Round trip ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_carries_the_keys_and_a_sheet_per_kind_of_record():
    a_plan()
    sheets = cell_values(export_bytes())
    for name, (columns, _required) in F.IMPORT_COLUMNS.items():
        assert name in sheets, name
        assert set(columns) <= set(sheets[name][0]), name
        assert len(sheets[name]) > 1, f"{name} has no rows"
    # What Cabinet readers had is still first, as it was.
    assert list(sheets)[:3] == ["Strategy actions", "Proposed council actions", "Indicators"]
    assert sheets["Strategy actions"][0][: len(exports.STRATEGY_ACTION_HEADERS) - 3] == tuple(
        exports.STRATEGY_ACTION_HEADERS[:-3]
    )


@pytest.mark.django_db
def test_importing_the_export_of_a_plan_changes_nothing(coordinator):
    a_plan()
    data = export_bytes()
    before = plan_dump()
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    assert record.error_count == 0, services.comparison_of(record).errors
    assert all(c["new"] == 0 and c["changed"] == 0 for c in record.counts.values()), record.counts
    assert sum(c["unchanged"] for c in record.counts.values()) >= 10
    services.confirm(record=record, confirmed_by=coordinator)
    assert plan_dump() == before
    assert cell_values(export_bytes()) == cell_values(data)


@pytest.mark.django_db
def test_a_round_trip_of_the_seeded_report_is_the_same_plan(report, coordinator):
    data = export_bytes()
    before = plan_dump()
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    assert record.error_count == 0, services.comparison_of(record).errors[:5]
    counts = record.counts
    assert counts[F.STRATEGY_ACTIONS]["unchanged"] == StrategyAction.objects.count()
    assert counts[F.SUB_POINTS]["unchanged"] == SubPoint.objects.count()
    assert counts[F.COUNCIL_ACTIONS]["unchanged"] == CouncilAction.objects.count()
    assert not any(c["new"] or c["changed"] for c in counts.values())
    record = services.confirm(record=record, confirmed_by=coordinator)
    assert record.state == ImportRecord.State.APPLIED
    assert plan_dump() == before
    assert cell_values(export_bytes()) == cell_values(data)


# --- Changes ------------------------------------------------------------------------------


def edited(data: bytes, sheet: str, column: str, row: int, value) -> bytes:
    """The workbook `data` with one cell changed (row 2 is the first below the headings)."""
    book = load_workbook(io.BytesIO(data))
    worksheet = book[sheet]
    headers = [c.value for c in worksheet[1]]
    worksheet.cell(row=row, column=headers.index(column) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_changed_action_is_previewed_then_applied_with_who_and_the_file(coordinator):
    action = a_plan()
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, "New words")
    record = services.preview(
        upload=upload(data, "changed.xlsx"), kind="plan", uploaded_by=coordinator
    )
    assert record.counts[F.STRATEGY_ACTIONS] == {"new": 0, "changed": 1, "unchanged": 0}
    action.refresh_from_db()
    assert action.text != "New words"  # nothing written by a preview
    version = action.version
    services.confirm(record=record, confirmed_by=coordinator)
    action.refresh_from_db()
    assert action.text == "New words"
    assert action.version == version + 1
    latest = action.history.first()
    assert latest.history_user == coordinator
    record.refresh_from_db()
    assert (record.file_name, record.uploaded_by, record.state) == (
        "changed.xlsx",
        coordinator,
        ImportRecord.State.APPLIED,
    )
    assert len(record.sha256) == 64
    assert record.counts["written"] == {F.STRATEGY_ACTIONS: 1}


@pytest.mark.django_db
def test_new_rows_add_a_theme_action_sub_point_partner_and_indicator(coordinator):
    action = a_plan()
    slug = action.theme.strategy.slug
    partner = PartnerFactory()
    data = workbook(
        {
            F.THEMES: [F.THEME_HEADERS, [slug, 9, "A new theme", ""]],
            F.STRATEGY_ACTIONS: [
                ["Strategy key", "Theme number", "Reference", "Position", "Strategy action"],
                [slug, 9, "T9.1", 1, "A new action"],
            ],
            F.SUB_POINTS: [F.SUB_POINT_HEADERS, [slug, 9, "T9.1", 1, "A new sub-point"]],
            F.ACTION_PARTNERS: [F.ACTION_PARTNER_HEADERS, [slug, 9, "T9.1", partner.slug, "Lead"]],
            F.INDICATORS: [
                F.INDICATOR_HEADERS,
                [
                    slug,
                    "New count",
                    "How many",
                    "people",
                    "up",
                    None,
                    None,
                    "",
                    "quarterly",
                    partner.slug,
                ],
            ],
            F.TARGETS: [F.TARGET_HEADERS, [slug, "New count", "2027-03-31", 40]],
        }
    )
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    assert record.error_count == 0, services.comparison_of(record).errors
    services.confirm(record=record, confirmed_by=coordinator)
    new = StrategyAction.objects.get(theme__number=9, reference="T9.1")
    assert new.text == "A new action"
    assert list(new.sub_points.values_list("text", flat=True)) == ["A new sub-point"]
    assert list(new.partners.all()) == [partner]
    indicator = Indicator.objects.get(name="New count")
    assert [str(t.value) for t in indicator.targets.all()] == ["40.00"]
    assert indicator.history.first().history_user == coordinator


@pytest.mark.django_db
def test_each_problem_names_its_sheet_row_and_column_and_nothing_is_written(coordinator):
    action = a_plan()
    slug = action.theme.strategy.slug
    data = workbook(
        {
            F.STRATEGY_ACTIONS: [
                [
                    "Strategy key",
                    "Theme number",
                    "Reference",
                    "Position",
                    "Strategy action",
                    "Original target date",
                ],
                [slug, action.theme.number, action.reference, "first", "Words", "31/02/2027"],
                [slug, 77, "T77.1", 1, "", None],
            ],
        }
    )
    before = plan_dump()
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    errors = {(e.sheet, e.row, e.column): e.message for e in services.comparison_of(record).errors}
    assert errors[(F.STRATEGY_ACTIONS, 2, "Position")] == "The position must be a whole number"
    assert errors[(F.STRATEGY_ACTIONS, 2, "Original target date")].startswith(
        "The original target date must be a real date"
    )
    assert errors[(F.STRATEGY_ACTIONS, 3, "Strategy action")] == "Enter the strategy action"
    with pytest.raises(services.NotApplicable):
        services.confirm(record=record, confirmed_by=coordinator)
    assert plan_dump() == before


@pytest.mark.django_db
def test_a_confirmation_after_the_plan_changed_is_refused_as_stale(coordinator):
    action = a_plan()
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, "New words")
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    StrategyAction.objects.filter(pk=action.pk).update(text="Someone else's words")
    with pytest.raises(services.Stale):
        services.confirm(record=record, confirmed_by=coordinator)
    action.refresh_from_db()
    assert action.text == "Someone else's words"
    record.refresh_from_db()
    assert record.state == ImportRecord.State.STALE


@pytest.mark.django_db
def test_the_pages_preview_then_confirm(client, coordinator):
    action = a_plan()
    client.force_login(coordinator)
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, "Words from the page")
    response = client.post(reverse("import_plan"), {"file": upload(data)})
    record = ImportRecord.objects.get()
    assert response["Location"] == reverse("import_preview", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Words from the page" in page
    assert "Confirm and import" in page
    response = client.post(reverse("import_confirm", args=[record.pk]), follow=True)
    assert "has been imported" in response.content.decode()
    action.refresh_from_db()
    assert action.text == "Words from the page"
    # A second confirmation writes nothing more and says why.
    response = client.post(reverse("import_confirm", args=[record.pk]), follow=True)
    assert "already been imported" in response.content.decode()


def plan_preview_queries(client, coordinator, size: int) -> int:
    for _ in range(size):
        a_plan()
    data = export_bytes()
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    assert record.error_count == 0
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("import_preview", args=[record.pk]))
    assert "importing it would change nothing" in response.content.decode()
    return len(queries)


@pytest.mark.django_db
def test_the_plan_preview_reads_a_constant_number_of_queries(client, coordinator):
    few = plan_preview_queries(client, coordinator, 2)
    many = plan_preview_queries(client, coordinator, 12)
    assert few == many


@pytest.mark.django_db
def test_a_large_file_is_read_by_a_background_job_then_confirmed(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_BYTES = 0  # every file counts as large
    action = a_plan()
    client.force_login(coordinator)
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, "Read later")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("import_plan"), {"file": upload(data)})
    record = ImportRecord.objects.get()
    assert record.state == ImportRecord.State.READING
    assert record.file  # kept in storage until the job reads it
    assert "The file is being read" in client.get(response["Location"]).content.decode()
    stored = record.file.name
    for callback in callbacks:
        callback()  # the job (run in-process without a broker)
    record.refresh_from_db()
    assert record.state == ImportRecord.State.PREVIEWED
    assert not record.file
    assert not record.file.storage.exists(stored)
    assert record.counts[F.STRATEGY_ACTIONS]["changed"] == 1
    page = client.get(response["Location"]).content.decode()
    assert "Read later" in page
    client.post(reverse("import_confirm", args=[record.pk]))
    action.refresh_from_db()
    assert action.text == "Read later"


@pytest.mark.django_db
def test_the_csv_export_imports_as_the_strategy_actions_sheet_unchanged(report, coordinator):
    actions = exports.export_actions(StrategyAction.objects.all())
    data = "".join(exports.csv_lines(actions)).encode()
    before = plan_dump()
    record = services.preview(
        upload=upload(data, "plan.csv", "text/csv"), kind="plan", uploaded_by=coordinator
    )
    assert record.error_count == 0, record.preview["errors"][:5]
    assert record.counts == {
        F.STRATEGY_ACTIONS: {
            "new": 0,
            "changed": 0,
            "unchanged": StrategyAction.objects.count(),
        }
    }
    services.confirm(record=record, confirmed_by=coordinator)
    assert plan_dump() == before


@pytest.mark.django_db
def test_words_are_kept_exactly_and_a_trailing_space_is_a_change(coordinator):
    action = a_plan()
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, action.text + " ")
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    assert record.counts[F.STRATEGY_ACTIONS]["changed"] == 1
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Reference", 2, f" {action.reference} ")
    record = services.preview(upload=upload(data), kind="plan", uploaded_by=coordinator)
    assert record.counts[F.STRATEGY_ACTIONS] == {"new": 0, "changed": 0, "unchanged": 1}


@pytest.mark.django_db
def test_two_actions_can_swap_positions_and_a_clash_is_an_error(coordinator):
    first = StrategyActionFactory(position=1, reference="T1.1")
    second = StrategyActionFactory(theme=first.theme, position=2, reference="T1.2")
    slug, number = first.theme.strategy.slug, first.theme.number
    headers = ["Strategy key", "Theme number", "Reference", "Position", "Strategy action"]
    swapped = workbook(
        {
            F.STRATEGY_ACTIONS: [
                headers,
                [slug, number, "T1.1", 2, first.text],
                [slug, number, "T1.2", 1, second.text],
            ]
        }
    )
    record = services.preview(upload=upload(swapped), kind="plan", uploaded_by=coordinator)
    services.confirm(record=record, confirmed_by=coordinator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)

    clash = workbook({F.STRATEGY_ACTIONS: [headers, [slug, number, "T1.1", 1, first.text]]})
    record = services.preview(upload=upload(clash), kind="plan", uploaded_by=coordinator)
    [error] = services.comparison_of(record).errors
    assert (error.row, error.column) == (2, "Position")
    assert "would both be at position 1" in error.message


@pytest.mark.django_db
def test_a_large_confirmation_is_applied_by_a_background_job(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_CHANGES = 0  # every confirmation counts as large
    action = a_plan()
    client.force_login(coordinator)
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, "Applied later")
    client.post(reverse("import_plan"), {"file": upload(data)})
    record = ImportRecord.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.state == ImportRecord.State.APPLYING
    action.refresh_from_db()
    assert action.text != "Applied later"  # nothing yet
    page = client.get(reverse("import_preview", args=[record.pk])).content.decode()
    assert "The changes are being made" in page
    # A second confirmation meanwhile is refused, and queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as again:
        client.post(reverse("import_confirm", args=[record.pk]))
    assert again == []
    for callback in callbacks:
        callback()
    record.refresh_from_db()
    assert record.state == ImportRecord.State.APPLIED
    action.refresh_from_db()
    assert action.text == "Applied later"
    assert action.history.first().history_user == coordinator


@pytest.mark.django_db
def test_a_queued_confirmation_of_a_changed_plan_writes_nothing(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_CHANGES = 0
    action = a_plan()
    client.force_login(coordinator)
    data = edited(export_bytes(), F.STRATEGY_ACTIONS, "Strategy action", 2, "Applied later")
    client.post(reverse("import_plan"), {"file": upload(data)})
    record = ImportRecord.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("import_confirm", args=[record.pk]))
    StrategyAction.objects.filter(pk=action.pk).update(text="Changed meanwhile")
    for callback in callbacks:
        callback()
    record.refresh_from_db()
    assert record.state == ImportRecord.State.STALE
    action.refresh_from_db()
    assert action.text == "Changed meanwhile"
    page = client.get(reverse("import_preview", args=[record.pk])).content.decode()
    assert "The plan changed after this preview, so it was not imported" in page
