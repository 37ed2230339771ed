"""Outages degrade, they don't break (issue 16), in the test process.

- The database failing at the connection (simulated here at the cursor, so that it fails
  wherever the request meets it: the session, the signed-in person, the request's
  transaction, the view) answers the 503 page, never 500. The real thing, a PostgreSQL
  server stopped and started again under gunicorn, is tests/test_outage_postgres.py.
- Redis, really stopped: a redis-server of the test's own, on a port of its own, is the
  cache; it is stopped mid-test and started again.
- The broker, really stopped (another redis-server), and the worker absent then started.

The machine's own Redis and PostgreSQL are never touched.
"""

import logging
import os
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from actions.models import ProgressUpdate
from actions.status import Status
from config import outage
from config.celery import app
from imports.models import ImportRecord
from reports.models import CabinetReport, Download
from strategy import jobs
from tests.factories import TEST_PASSWORD, StrategyActionFactory, UserFactory
from tests.helpers import content, signed_in
from tests.outage_services import RedisServer, needs_redis_server

# --- The database --------------------------------------------------------------------------


@contextmanager
def database_down(error=OperationalError):
    """Every new cursor fails as a stopped server's would: at the connection."""
    message = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    with mock.patch.object(BaseDatabaseWrapper, "_cursor", side_effect=error(message)):
        yield


@pytest.fixture
def outage_client(client):
    """A client that shows the response a browser would get, rather than re-raising."""
    client.raise_request_exception = False
    return client


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert b"Sorry, the service is unavailable" in content(response)


def test_a_page_answers_503_with_retry_after_while_the_database_is_down(
    outage_client, world, caplog
):
    signed_in(outage_client, world.personas["forum_member"])
    with database_down(), caplog.at_level(logging.ERROR):
        response = outage_client.get(reverse("action", args=[world.action.pk]))

    assert_unavailable(response)
    body = content(response)
    assert b"Try again in 1 minute" in body
    assert b"not been saved" not in body  # nothing was posted
    assert b"Sign out" not in body  # who is signed in is not read: the page needs no database
    assert any(
        "The database is unavailable: answering 503 to GET /actions/" in r.getMessage()
        for r in caplog.records
    )
    # The next request, with the database back, is answered as usual.
    assert outage_client.get(reverse("action", args=[world.action.pk])).status_code == 200


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_anonymous_and_public_pages_answer_503_too(outage_client, db, error):
    for url in [reverse("login"), "/public/", reverse("accessibility"), "/"]:
        with database_down(error):
            response = outage_client.get(url)
        assert_unavailable(response)
        assert not response.cookies  # no session or CSRF cookie from a page that saved nothing


def test_the_health_check_says_503_while_the_database_is_down(outage_client, db):
    with database_down():
        response = outage_client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"database: down" in content(response)
    assert outage_client.get(reverse("healthz")).status_code == 200


def test_a_form_posted_during_the_outage_says_it_was_not_saved_and_shows_what_was_typed(
    outage_client, world
):
    member = world.personas["forum_member"]
    signed_in(outage_client, member)
    typed = "Our volunteers <b>met</b> 40 groups & more.\nSecond line."
    with database_down():
        response = outage_client.post(
            reverse("action_update", args=[world.action.pk]),
            {
                "status": Status.ON_TRACK,
                "percent_complete": "40",
                "narrative": typed,
                "next_steps": "",
                "csrfmiddlewaretoken": "a-token-never-shown",
                "new_password1": "never-shown-either",
            },
        )

    assert_unavailable(response)
    body = content(response).decode()
    assert "Your changes have not been saved." in body
    assert "Our volunteers &lt;b&gt;met&lt;/b&gt; 40 groups &amp; more.<br>Second line." in body
    assert "<b>met</b>" not in body
    assert "Narrative" in body
    assert "Percent complete" in body
    assert "Next steps" not in body  # left empty: nothing to copy
    assert "a-token-never-shown" not in body
    assert "never-shown-either" not in body
    assert f'href="/actions/{world.action.pk}/update/">go back and try again' in body
    assert not ProgressUpdate.all_records.filter(strategy_action=world.action).exists()


def test_the_api_answers_503_as_json(outage_client, db):
    with database_down():
        response = outage_client.get("/api/v1/actions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["detail"].startswith("The service is unavailable")


def test_with_debug_on_the_503_still_replaces_the_debug_page(outage_client, world, settings):
    settings.DEBUG = True
    signed_in(outage_client, world.personas["coordinator"])
    with database_down():
        response = outage_client.get(reverse("plan"))
    assert_unavailable(response)


def test_other_errors_are_still_500(outage_client, world):
    signed_in(outage_client, world.personas["coordinator"])
    with mock.patch("config.views.render", side_effect=ValueError("a bug")):
        response = outage_client.get(reverse("accessibility"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in content(response)
    assert "Retry-After" not in response


def test_an_error_caused_by_a_lost_connection_counts_as_the_outage():
    lost = InterfaceError("connection already closed")
    error = RuntimeError("while rendering")
    error.__cause__ = lost
    assert outage.database_error(error) is lost
    assert outage.database_error(ValueError("no")) is None


# --- Redis (the cache), really stopped ------------------------------------------------------


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def redis_cache(url: str) -> dict:
    """The cache settings production uses with CACHE_URL=redis://… (config/settings.py)."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }


@needs_redis_server
def test_with_redis_stopped_the_site_serves_uncached_and_nobody_is_signed_out(
    client, world, redis_server, caplog
):
    officer = world.personas["coordinator"]
    pages = [reverse("plan"), reverse("dashboard"), reverse("action", args=[world.action.pk])]
    with override_settings(
        CACHES=redis_cache(redis_server.url), DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=True
    ):
        client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD})
        for url in pages:
            assert client.get(url).status_code == 200
        assert redis_server.client().dbsize() > 0  # the pages used the cache
        assert b"cache: ok" in content(client.get(reverse("healthz")))

        redis_server.stop()
        with caplog.at_level(logging.ERROR):
            for url in pages:
                response = client.get(url)
                assert response.status_code == 200, url
                assert b"Sign out" in content(response)  # still signed in: the session is kept
            health = client.get(reverse("healthz"))
        assert health.status_code == 200
        assert content(health) == b"ok\ndatabase: ok\ncache: degraded\n"
        assert any(r.name == "django_redis.cache" for r in caplog.records)  # the fault, logged

        # Signing out and in again works: sign-in throttling (axes) keeps its counts in the
        # database, and sessions live there.
        client.post(reverse("logout"))
        response = client.post(
            reverse("login"), {"username": officer.username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(reverse("dashboard")).status_code == 200
        # The API's throttles count in the cache: without it they let requests through.
        assert client.get("/api/v1/actions/").status_code == 200

        redis_server.start()  # the same port, empty
        assert client.get(reverse("plan")).status_code == 200
        assert redis_server.client().dbsize() > 0  # caching has resumed
        assert b"cache: ok" in content(client.get(reverse("healthz")))
        cache.clear()


def test_sessions_live_in_the_database(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# --- The broker and the worker -------------------------------------------------------------


@contextmanager
def broker(url: str):
    """Jobs sent to `url`, as production sends them to CELERY_BROKER_URL."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


def ask_for_a_download(client) -> tuple:
    started = time.monotonic()
    response = client.post(reverse("new_download"), {"kind": "plan_csv", "query": ""})
    return response, time.monotonic() - started


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_stopped_asking_for_a_file_says_it_cannot_be_queued_now(
    client, redis_server, caplog
):
    person = UserFactory(role=Role.CABINET_MEMBER)
    signed_in(client, person)
    client.raise_request_exception = False
    redis_server.stop()
    with broker(redis_server.url), caplog.at_level(logging.ERROR):
        response, took = ask_for_a_download(client)

    download = Download.objects.get(requested_by=person)
    assert took < 5, f"asking took {took:.1f} s"
    assert response.status_code == 302
    assert response.url == download.get_absolute_url()
    assert download.status == Download.Status.FAILED
    assert download.error == jobs.NOT_QUEUED
    page = content(client.get(response.url)).decode()
    assert "It could not be queued just now" in page
    assert "Try again" in page  # the same request, one button away
    assert any("could not be queued" in r.getMessage() for r in caplog.records)


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_the_other_jobs_say_so_too_when_the_broker_is_stopped(redis_server, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services as import_services
    from reports import services as report_services

    coordinator = UserFactory(role=Role.FORUM_COORDINATOR)
    redis_server.stop()
    with broker(redis_server.url), override_settings(IMPORT_INLINE_BYTES=1):
        report = report_services.generate_cabinet_report(generated_by=coordinator)
        upload = SimpleUploadedFile("plan.csv", b"reference,title\n1,One\n", "text/csv")
        record = import_services.start(upload=upload, kind="plan", uploaded_by=coordinator)

    report = CabinetReport.objects.get(pk=report.pk)
    assert not report.pdf
    assert "could not be made just now" in report.pdf_error
    record.refresh_from_db()
    assert record.state == ImportRecord.State.FAILED
    assert jobs.NOT_QUEUED in record.failure
    assert not record.file


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_with_no_worker_the_job_waits_queued_and_runs_when_a_worker_starts(client, redis_server):
    StrategyActionFactory()
    person = UserFactory(role=Role.CABINET_MEMBER)
    signed_in(client, person)
    with broker(redis_server.url):
        response, took = ask_for_a_download(client)
        download = Download.objects.get(requested_by=person)
        assert took < 5
        assert download.status == Download.Status.QUEUED
        page = content(client.get(response.url)).decode()
        assert "Waiting to start" in page
        assert "queued" in page
        assert redis_server.client().llen("celery") == 1  # the job waits in the broker

        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not download.finished:
                time.sleep(0.2)
                download.refresh_from_db()
    assert download.status == Download.Status.READY, download.error
    assert redis_server.client().llen("celery") == 0


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_requeue_jobs_sends_again_what_a_broker_lost(redis_server):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    StrategyActionFactory()
    person = UserFactory(role=Role.CABINET_MEMBER)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    waiting = Download.objects.create(kind=Download.Kind.PLAN_CSV, requested_by=person)
    just_asked = Download.objects.create(kind=Download.Kind.PLAN_CSV, requested_by=person)
    Download.objects.filter(pk=waiting.pk).update(requested_at=long_ago)
    applying = ImportRecord.objects.create(
        kind="plan", state=ImportRecord.State.APPLYING, file_name="plan.xlsx", sha256="0" * 64,
        size=1, uploaded_by=person,
    )  # fmt: skip
    ImportRecord.objects.filter(pk=applying.pk).update(uploaded_at=long_ago)

    with broker(redis_server.url):
        call_command("requeue_jobs", "--older-than", "10", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert redis_server.client().llen("celery") == 1  # the old one only
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not waiting.finished:
                time.sleep(0.2)
                waiting.refresh_from_db()
    assert waiting.status == Download.Status.READY, waiting.error
    just_asked.refresh_from_db()
    assert just_asked.status == Download.Status.QUEUED  # may still be in the queue: left alone
    applying.refresh_from_db()
    assert applying.state == ImportRecord.State.PREVIEWED  # to be confirmed again
