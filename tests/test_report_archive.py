"""Every report is kept as sent: its PDF is made in the background when it is generated and
kept, whatever changes after; the archive lists every report; a reissue keeps the first."""

import hashlib

import pytest
from django.urls import reverse

from monitoring import services as round_services
from reports import cabinet, tasks
from reports.models import CabinetReport
from tests.factories import CabinetReportFactory
from tests.helpers import open_a_round, post_update, signed_in

pytestmark = pytest.mark.django_db


def fetched(client, report) -> bytes:
    response = client.get(reverse("report_file", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def test_a_generated_report_keeps_its_pdf_as_sent(
    client, world, django_capture_on_commit_callbacks
):
    coordinator = signed_in(client, world.personas["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("cabinet_report"))
    report = CabinetReport.objects.get()
    assert report.pdf.name.endswith(".pdf")

    reader = signed_in(client, world.personas["cabinet"])
    sent = fetched(reader, report)
    assert sent.startswith(b"%PDF")
    archive = reader.get(reverse("report_archive")).text
    assert f'id="report-{report.pk}"' in archive
    assert reverse("report_file", args=[report.pk]) in archive

    post_update(world.action, world.personas["forum_member"], narrative="After it was sent")
    assert hashlib.sha256(fetched(reader, report)).digest() == hashlib.sha256(sent).digest()


def test_a_report_records_the_round_it_reports_on(world):
    coordinator = world.personas["coordinator"]
    round_ = open_a_round(coordinator, name="Quarter 3")
    round_services.close_round(round_=round_, closed_by=coordinator)

    report = CabinetReportFactory(created_by=coordinator)

    assert report.round == round_


def test_a_reissue_is_marked_and_keeps_the_first(client, world, django_capture_on_commit_callbacks):
    first = CabinetReportFactory(created_by=world.personas["coordinator"])
    second = CabinetReportFactory(created_by=world.personas["coordinator"])
    coordinator = signed_in(client, world.personas["coordinator"])

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("report_reissue", args=[second.pk]), follow=True)

    reissue = CabinetReport.objects.exclude(pk__in=[first.pk, second.pk]).get()
    assert (reissue.reissue_of, reissue.compared_with) == (second, first)
    assert "(reissue)" in reissue.title
    assert "kept as it was sent" in response.text
    second.refresh_from_db()
    assert second.reissue_of is None
    assert (
        "Reissue"
        in signed_in(client, world.personas["cabinet"]).get(reverse("report_archive")).text
    )


def test_only_the_coordinator_reissues(client, world):
    report = CabinetReportFactory(created_by=world.personas["coordinator"])
    for persona in ["forum_member", "officer", "cabinet"]:
        response = signed_in(client, world.personas[persona]).post(
            reverse("report_reissue", args=[report.pk])
        )
        assert response.status_code == 403
    assert CabinetReport.objects.count() == 1


def test_a_pdf_that_cannot_be_made_says_so_and_is_not_served(client, world, monkeypatch):
    report = CabinetReportFactory(created_by=world.personas["coordinator"])

    def broken(report):
        raise OSError("no fonts")

    monkeypatch.setattr(cabinet, "render_pdf", broken)
    tasks.make_report_pdf.delay(report.pk)  # in-process here: retried, then given up

    report.refresh_from_db()
    assert "could not be made" in report.pdf_error
    reader = signed_in(client, world.personas["cabinet"])
    assert reader.get(reverse("report_file", args=[report.pk])).status_code == 404
    assert "Could not be made" in reader.get(reverse("report_archive")).text
