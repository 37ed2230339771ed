"""Writes of the reports app: generating a Cabinet report keeps its figures and its PDF."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from monitoring.models import MonitoringRound
from strategy import jobs

from . import cabinet, figures
from .models import CabinetReport, PlanGeneration

logger = logging.getLogger(__name__)


@transaction.atomic
def generate_cabinet_report(
    *, generated_by: User, reissue_of: CabinetReport | None = None
) -> CabinetReport:
    """Keep what the Cabinet report shows now, so the next report can show what changed, and
    make its PDF in the background: the report as sent, kept whatever changes after.

    A report's changes are measured against the report before it. A reissue (after a
    correction) reports on the same round, measured against the same report, and leaves the
    one it reissues as it was.
    """
    # One report at a time: two generated together would both compare with the same one.
    list(PlanGeneration.objects.select_for_update().filter(pk=PlanGeneration.ROW).values("pk"))
    today = timezone.localdate()
    if reissue_of is not None:
        compared_with, round_ = reissue_of.compared_with, reissue_of.round
        title = f"Cabinet progress report, {today:%-d %B %Y} (reissue)"
    else:
        compared_with = CabinetReport.objects.first()  # newest first (Meta.ordering)
        round_ = MonitoringRound.objects.filter(state="closed").order_by("-closed_at").first()
        title = f"Cabinet progress report, {today:%-d %B %Y}"
    report = CabinetReport.objects.create(
        created_by=generated_by,
        title=title,
        data=figures.snapshot_data(),
        compared_with=compared_with,
        round=round_,
        reissue_of=reissue_of,
    )
    from . import tasks  # the jobs call this module back

    jobs.send_on_commit(
        tasks.make_report_pdf, report.pk, not_queued=lambda: pdf_not_queued(report.pk)
    )
    return report


def pdf_not_queued(report_id: int) -> None:
    """The broker could not be reached: the report is kept, and says its PDF was not made."""
    CabinetReport.objects.filter(pk=report_id, pdf="").update(
        pdf_error="The PDF could not be made just now: the service that runs background jobs "
        "is unavailable. The report's figures are kept. Generate the report again in a few "
        "minutes, or tell the service desk."
    )


def requeue_pdfs(before) -> int:
    """Send again the jobs of reports generated before `before` whose PDF is not made yet."""
    from . import tasks

    waiting = CabinetReport.objects.filter(pdf="", pdf_error="", created_at__lt=before)
    return sum(
        jobs.send(tasks.make_report_pdf, pk, not_queued=lambda pk=pk: pdf_not_queued(pk))
        for pk in waiting.values_list("pk", flat=True)
    )


def keep_report_pdf(report_id: int) -> None:
    """Make a generated report's PDF and keep it with the report (the background job)."""
    report = CabinetReport.objects.get(pk=report_id)
    if report.pdf:
        return  # already kept: a report as sent is never made again
    content = cabinet.render_pdf(report)
    report.pdf.save(report.pdf_filename(), ContentFile(content), save=False)
    # An update, not save(): the file changes nothing the dashboard shows.
    CabinetReport.objects.filter(pk=report.pk).update(pdf=report.pdf.name, pdf_error="")


def report_pdf_failed(report_id: int, error: BaseException) -> None:
    logger.error("The PDF of Cabinet report %s could not be made: %s", report_id, error)
    CabinetReport.objects.filter(pk=report_id).update(
        pdf_error="The PDF could not be made. Generate the report again, or tell the service desk."
    )
