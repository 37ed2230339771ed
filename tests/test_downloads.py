"""Files made in the background (reports/downloads.py): asked for, made, fetched, retried.

Celery runs jobs in-process here (no CELERY_BROKER_URL: task_always_eager), once the
request's transaction commits; tests/test_worker.py runs them on a real worker over Redis.
"""

import csv
import datetime
import io
import logging
import os

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from actions.status import Status
from reports import downloads, figures
from reports.models import Download
from tests.factories import (
    CabinetReportFactory,
    DownloadFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import content, csv_rows, pdf_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    """Anything over one action is made in the background."""
    monkeypatch.setattr(downloads, "INLINE_MAX", dict.fromkeys(Download.Kind.values, 1))


@pytest.fixture
def plan():
    return [StrategyActionFactory(status=Status.OFF_TRACK) for _ in range(2)] + [
        StrategyActionFactory(status=Status.ON_TRACK)
    ]


@pytest.fixture
def reader(client):
    person = UserFactory(role=Role.FORUM_MEMBER)
    signed_in(client, person)
    return person


def ask(client, capture, **data):
    """POST a request for a download; run the job as the commit would. Returns the response."""
    with capture(execute=True):
        return client.post(reverse("new_download"), data)


def test_a_large_export_offers_to_make_the_file_in_the_background(
    client, reader, plan, small_limits
):
    response = client.get(reverse("export_csv"), {"status": "off_track"})

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "This file covers 3 strategy actions" not in page  # only the filtered two…
    assert "This file covers 2 strategy actions" in page
    assert 'name="kind" value="plan_csv"' in page
    assert 'name="query" value="status=off_track"' in page
    assert not Download.objects.exists()  # following a link starts nothing


def test_a_small_export_is_still_made_in_the_request(client, reader, plan, small_limits):
    response = client.get(reverse("export_csv"), {"status": "on_track"})

    assert response["Content-Type"].startswith("text/csv")
    assert len(csv_rows(response)) == 2  # the header and the one action
    assert not Download.objects.exists()


def test_the_background_csv_is_the_same_file_as_the_inline_one(
    client, reader, plan, django_capture_on_commit_callbacks
):
    inline = csv_rows(client.get(reverse("export_csv"), {"status": "off_track"}))

    response = ask(
        client, django_capture_on_commit_callbacks, kind="plan_csv", query="status=off_track"
    )

    download = Download.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("download", args=[download.pk])
    assert download.requested_by == reader
    assert download.status == Download.Status.READY
    assert (download.rows_done, download.rows_total) == (2, 2)
    assert download.attempts == 1
    page = client.get(reverse("download", args=[download.pk])).content.decode()
    assert "Your file is ready" in page
    fetched = client.get(reverse("download_file", args=[download.pk]))
    assert fetched["Content-Disposition"].startswith("attachment;")
    assert download.filename in fetched["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(content(fetched).decode("utf-8-sig"))))
    assert rows == inline


def test_the_background_workbook_has_both_sheets(
    client, reader, plan, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks, kind="plan_xlsx", query="")

    download = Download.objects.get()
    fetched = client.get(reverse("download_file", args=[download.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(content(fetched)), read_only=True)
    assert workbook.sheetnames[:3] == ["Strategy actions", "Proposed council actions", "Indicators"]
    # Write-only workbooks record no dimensions, so the rows are counted.
    assert len(list(workbook["Strategy actions"].iter_rows())) == 1 + len(plan)


def test_the_background_pdf_is_the_generated_report(
    client, reader, plan, django_capture_on_commit_callbacks
):
    report = CabinetReportFactory()

    ask(client, django_capture_on_commit_callbacks, kind="report_pdf", report=report.pk, query="x")

    download = Download.objects.get()
    assert download.report == report
    assert download.query == ""  # a report's PDF takes no filters
    text = pdf_text(client.get(reverse("download_file", args=[download.pk])))
    assert "progress report to Cabinet" in text
    assert plan[0].reference in text


def test_a_large_plans_pdf_link_offers_the_background_job(client, reader, plan, small_limits):
    response = client.get(reverse("cabinet_report_pdf"))

    assert response["Content-Type"].startswith("text/html")
    assert 'name="kind" value="report_pdf"' in response.content.decode()


def test_progress_is_reported_while_the_file_is_made(client, reader):
    download = DownloadFactory(
        requested_by=reader, status=Download.Status.RUNNING, rows_done=250, rows_total=1000
    )

    state = client.get(reverse("download_status", args=[download.pk])).json()
    page = client.get(reverse("download", args=[download.pk])).content.decode()

    assert state == {
        "status": "running",
        "status_label": "Being prepared",
        "rows_done": 250,
        "rows_total": 1000,
        "percent": 25,
        "finished": False,
    }
    assert "250 of 1000 strategy actions written (25%)" in page
    assert "refresh the page" in page  # the way on without JavaScript
    missing = client.get(reverse("download_file", args=[download.pk]))
    assert missing.status_code == 404  # not ready yet


def test_a_failing_job_is_retried_then_reported_and_logged(
    client, reader, plan, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    calls = []

    def broken(download, file):
        calls.append(download.pk)
        raise OSError("disk full")

    monkeypatch.setitem(downloads.MAKERS, Download.Kind.PLAN_CSV, broken)

    with caplog.at_level(logging.ERROR, logger="reports.downloads"):
        ask(client, django_capture_on_commit_callbacks, kind="plan_csv", query="")

    download = Download.objects.get()
    assert len(calls) == 3  # the first try and two retries
    assert download.attempts == 3
    assert download.status == Download.Status.FAILED
    assert "tried 3 times" in download.error
    assert "disk full" in caplog.text
    page = client.get(reverse("download", args=[download.pk])).content.decode()
    assert "The file could not be made" in page
    assert "Try again" in page


def test_a_job_run_twice_leaves_a_finished_file_alone(
    client, reader, plan, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks, kind="plan_csv", query="")
    download = Download.objects.get()
    name = download.file.name

    downloads.make(download.pk)  # a redelivered job

    download.refresh_from_db()
    assert (download.file.name, download.attempts) == (name, 1)


def test_a_tampered_request_is_not_found_and_records_nothing(client, reader):
    for data in (
        {"kind": "everything", "query": ""},
        {"kind": "plan_csv", "query": "x" * 2001},
        {"kind": "report_pdf", "report": "99999999999999999999999"},
        {"kind": "report_pdf", "report": "not a number"},
    ):
        assert client.post(reverse("new_download"), data).status_code == 404, data
    assert not Download.objects.exists()


def test_your_downloads_lists_only_your_own(client, reader):
    mine = DownloadFactory(requested_by=reader, kind=Download.Kind.PLAN_XLSX)
    DownloadFactory(kind=Download.Kind.REPORT_PDF)  # someone else's

    page = client.get(reverse("downloads")).content.decode()

    assert mine.get_absolute_url() in page
    assert "The Cabinet report as a PDF" not in page


def test_old_downloads_and_their_files_are_pruned(settings):
    old = DownloadFactory()
    path = old.file.path
    Download.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=downloads.KEEP_DAYS + 1)
    )
    recent = DownloadFactory()

    assert downloads.prune() == 1

    assert list(Download.objects.all()) == [recent]
    assert not os.path.exists(path)


def test_a_large_plans_report_lists_no_actions_but_says_where_they_are(
    client, reader, plan, monkeypatch
):
    monkeypatch.setattr(figures, "REPORT_LIST_MAX", 2)

    page = client.get(reverse("cabinet_report")).content.decode()

    assert "too many to list one by one" in page
    assert plan[0].text not in page.split('id="actions"')[1].split('id="changes"')[0]
    assert reverse("export_xlsx") in page


def test_a_small_plans_report_lists_every_action(client, reader, plan):
    page = client.get(reverse("cabinet_report")).content.decode()

    assert "too many to list one by one" not in page
    assert all(action.text in page for action in plan)


def test_a_plan_with_many_themes_shows_those_furthest_behind(client, reader, monkeypatch):
    from reports import cabinet

    monkeypatch.setattr(cabinet, "THEMES_SHOWN", 2)
    ahead, behind, middle = (StrategyActionFactory(percent_complete=p) for p in (90, 10, 50))

    page = client.get(reverse("dashboard")).content.decode()

    assert "The 2 themes furthest behind" in page
    assert "The current plans have 3 themes" in page
    table = page.split('id="themes-cut"')[1].split("corporate priority")[0]
    assert behind.theme.title in table
    assert middle.theme.title in table
    assert ahead.theme.title not in table
