"""Files made in the background: exports of the plan and the Cabinet report as a PDF.

A small file is made in the request, as before. One that could take more than a couple of
seconds (INLINE_MAX) is a Download: the person asks for it (a POST), a Celery worker makes
it (reports/tasks.py) while the page shows its progress, and they fetch it when it is ready.
Files are kept in the default storage (MEDIA_ROOT) for KEEP_DAYS, then pruned
(`manage.py prune_downloads`).
"""

import datetime
import logging
import tempfile
from types import SimpleNamespace

from django.core.files import File
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from strategy import jobs

from . import cabinet, exports
from .models import CabinetReport, Download

logger = logging.getLogger(__name__)

Kind = Download.Kind
Status = Download.Status

#: Made in the request up to this many strategy actions; past it, in the background.
#: (Measured: about 0.3 s for a CSV of 5,000 actions, 1 s for a workbook of 2,000, and
#: 1 s for a PDF listing 40; docs/benchmarks.md.)
INLINE_MAX = {Kind.PLAN_CSV: 5000, Kind.PLAN_XLSX: 2000, Kind.REPORT_PDF: 40}
KEEP_DAYS = 7
FAILED = (
    "The file could not be made. It has been tried {attempts} times and the error has been "
    "logged for the service's administrators. Try again later."
)


def runs_inline(kind: str, actions: int) -> bool:
    return actions <= INLINE_MAX[kind]


def plan_actions_for(query: str):
    """The strategy actions the plan page would show for this query string, ready to export."""
    return exports.filtered_actions(SimpleNamespace(GET=QueryDict(query)))


def request_download(
    *, kind: str, user, query: str = "", report: CabinetReport | None = None
) -> Download:
    """Record the request and queue the job once the request's transaction commits."""
    from .tasks import make_download

    download = Download.objects.create(kind=kind, requested_by=user, query=query, report=report)
    jobs.send_on_commit(make_download, download.pk, not_queued=lambda: not_queued(download.pk))
    return download


def not_queued(download_id: int) -> None:
    """The broker could not be reached: the download says so, and offers to try again."""
    Download.objects.filter(pk=download_id, status=Status.QUEUED).update(
        status=Status.FAILED, finished_at=timezone.now(), error=jobs.NOT_QUEUED
    )


def requeue(before: datetime.datetime) -> int:
    """Send again the jobs of downloads asked for before `before` and not started yet."""
    from .tasks import make_download

    waiting = Download.objects.filter(status=Status.QUEUED, requested_at__lt=before)
    return sum(
        jobs.send(make_download, pk, not_queued=lambda pk=pk: not_queued(pk))
        for pk in waiting.values_list("pk", flat=True)
    )


def _progress(download: Download):
    def report(rows: int) -> None:
        Download.objects.filter(pk=download.pk).update(rows_done=rows)

    return report


def _make_csv(download: Download, file) -> str:
    actions = plan_actions_for(download.query)
    Download.objects.filter(pk=download.pk).update(rows_total=actions.count())
    for line in exports.csv_lines(actions, progress=_progress(download)):
        file.write(line.encode("utf-8"))
    return exports.filename("csv")


def _make_xlsx(download: Download, file) -> str:
    actions = plan_actions_for(download.query)
    Download.objects.filter(pk=download.pk).update(rows_total=actions.count())
    exports.write_workbook(actions, file, progress=_progress(download))
    return exports.filename("xlsx")


def _make_pdf(download: Download, file) -> str:
    file.write(cabinet.render_pdf(download.report))
    return cabinet.pdf_filename()


MAKERS = {Kind.PLAN_CSV: _make_csv, Kind.PLAN_XLSX: _make_xlsx, Kind.REPORT_PDF: _make_pdf}


def make(download_id: int) -> None:
    """Make the file (the worker's job). Safe to run again: a job given to a second worker
    after the first died starts afresh, and a finished one is left alone."""
    download = Download.objects.select_related("report__compared_with").get(pk=download_id)
    if download.status == Status.READY:
        return
    Download.objects.filter(pk=download_id).update(
        status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, rows_done=0
    )
    with tempfile.TemporaryFile() as file:
        name = MAKERS[download.kind](download, file)
        file.seek(0)
        download.refresh_from_db()
        download.file.save(name, File(file), save=False)
    download.filename = name
    download.status = Status.READY
    download.finished_at = timezone.now()
    download.error = ""
    download.save(update_fields=["file", "filename", "status", "finished_at", "error"])


def give_up(download_id: int, error: BaseException) -> None:
    """After the last attempt: say so to the person, and log it for the administrators."""
    download = Download.objects.get(pk=download_id)
    logger.error(
        "Download %s (%s) failed after %s attempts: %r",
        download_id,
        download.kind,
        download.attempts,
        error,
    )
    Download.objects.filter(pk=download_id).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        error=FAILED.format(attempts=download.attempts),
    )


def prune(now: datetime.datetime | None = None) -> int:
    """Delete downloads (and their files) older than KEEP_DAYS; return how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEEP_DAYS)
    old = list(Download.objects.filter(requested_at__lt=cutoff))
    for download in old:
        if download.file:
            download.file.delete(save=False)
        download.delete()
    return len(old)
