"""Background jobs (Celery; config/celery.py). Each is retried a bounded number of times,
with a growing pause; after the last, the download is marked failed and the error logged,
so no job is lost silently."""

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
