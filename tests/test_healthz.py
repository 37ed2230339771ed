"""/healthz answers 503 when the database does not answer, and says whether the cache does."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\ndatabase: ok\ncache: ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_database_does_not_answer(client):
    with mock.patch(
        "config.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_healthz_needs_no_login(client):
    response = client.get("/healthz")
    assert "login" not in response.get("Location", "")
    assert response.status_code == 200
    assert response.content.startswith(b"ok\n")  # the check itself, not a sign-in page


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def test_healthz_says_the_cache_is_degraded_when_redis_is_down(client, settings):
    settings.CACHES = REDIS_DOWN

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\ndatabase: ok\ncache: degraded\n"


def test_pages_are_served_uncached_when_redis_is_down(user_client, settings):
    settings.CACHES = REDIS_DOWN

    first = user_client.get(reverse("dashboard"))
    ProgressUpdateFactory(narrative="Shown at once, with no cache to clear")
    second = user_client.get(reverse("dashboard"))

    assert first.status_code == second.status_code == 200
    assert "Recent updates" in first.content.decode()
    assert "Shown at once, with no cache to clear" in second.content.decode()


def test_healthz_answers_plain_http_behind_the_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/plan/").status_code == 301
