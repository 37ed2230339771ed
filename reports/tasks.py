"""Background jobs (Celery; config/celery.py). Each is retried a bounded number of times,
with a growing pause; after the last, the download is marked failed and the error logged,
so no job is lost silently (a download is marked failed; a Cabinet report's PDF says so)."""

from celery import shared_task

from . import downloads

MAX_RETRIES = 2


@shared_task(bind=True, max_retries=MAX_RETRIES)
def make_download(self, download_id: int) -> None:
    try:
        downloads.make(download_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            downloads.give_up(download_id, error)
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task(bind=True, max_retries=MAX_RETRIES)
def make_report_pdf(self, report_id: int) -> None:
    """Keep a generated Cabinet report's PDF, as sent (reports/services.py)."""
    from . import services

    try:
        services.keep_report_pdf(report_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            services.report_pdf_failed(report_id, error)
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
