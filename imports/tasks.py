"""The background job that reads a large upload (Celery, as reports/tasks.py: in the request
when no broker is configured). Retried a bounded number of times; after the last, the import
is marked as failed, so none is left "being read" for ever."""

from celery import shared_task

from . import services

MAX_RETRIES = 2


@shared_task(bind=True, max_retries=MAX_RETRIES)
def read_import(self, record_id: int) -> None:
    try:
        services.read_stored(record_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            services.give_up(record_id)
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task(bind=True, max_retries=MAX_RETRIES)
def apply_import(self, record_id: int, user_id: int) -> None:
    try:
        services.apply_queued(record_id, user_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            services.give_up_applying(record_id)
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
