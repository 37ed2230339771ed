"""/healthz answers 200 when the database answers and 503 when it does not."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
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
    assert response.content == b"ok\n"  # the check itself, not a sign-in page


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
