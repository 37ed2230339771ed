"""Background jobs on a real Celery worker, over Redis, as in production.

The rest of the suite runs jobs in-process (no CELERY_BROKER_URL). Here the job goes through
the broker to a worker thread with its own database connection, so the test's data is
committed (a transactional test). Redis runs on every machine this project is built on;
without it the test is skipped, except in CI (REQUIRE_REDIS=1), where it must run.
"""

import os
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from accounts.roles import Role
from config.celery import app
from reports.models import Download
from tests.factories import StrategyActionFactory, UserFactory
from tests.helpers import content, csv_rows, signed_in

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not redis_answers() and not os.environ.get("REQUIRE_REDIS"),
        reason=f"no Redis at {BROKER} for a real worker",
    ),
]


@pytest.fixture
def worker():
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    # Connection and producer pools made earlier in the run (an eagerly run job's retry
    # makes them) still point at the broker of that moment.
    app._pool = None
    app.amqp._producer_pool = None
    app.control.purge()  # nothing left over from an earlier run
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


def wait_until_finished(download: Download, seconds: float = 60) -> Download:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        download.refresh_from_db()
        if download.finished:
            return download
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish download {download.pk} in {seconds} s")


def test_a_worker_makes_the_file_the_person_asked_for(client, worker):
    actions = [StrategyActionFactory() for _ in range(3)]
    person = UserFactory(role=Role.CABINET_MEMBER)
    signed_in(client, person)

    response = client.post(reverse("new_download"), {"kind": "plan_csv", "query": ""})

    download = wait_until_finished(Download.objects.get(requested_by=person))
    assert response.status_code == 302
    assert download.status == Download.Status.READY, download.error
    assert (download.rows_done, download.rows_total, download.attempts) == (3, 3, 1)
    rows = csv_rows(client.get(reverse("download_file", args=[download.pk])))
    assert sorted(row[2] for row in rows[1:]) == sorted(a.reference for a in actions)
    assert content(client.get(reverse("download", args=[download.pk]))).count(b"is ready") == 1
