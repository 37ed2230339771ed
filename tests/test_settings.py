"""Settings come from the environment and refuse unsafe production configurations."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone

from monitoring import views as round_views
from monitoring.models import MonitoringRound
from tests.helpers import round_form

PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_settings(**env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ENV_FILE=os.devnull,  # ignore a developer's .env file
        **env_overrides,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    result = run_settings(SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_key_only_when_debug_is_on():
    result = run_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_deploy_check_is_clean_under_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-like-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="tracker.example.org",
        ENV_FILE=os.devnull,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_times_are_shown_in_london_time_summer_and_winter():
    # 23:30 UTC on 30 June is already 1 July in London (British Summer Time)...
    summer = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    assert Template('{{ when|date:"j F Y H:i" }}').render(Context({"when": summer})) == (
        "1 July 2026 00:30"
    )
    with timezone.override(datetime.UTC):  # the same instant, were the site on UTC
        assert timezone.localdate(summer) == datetime.date(2026, 6, 30)
    assert timezone.localdate(summer) == datetime.date(2026, 7, 1)
    # ...but 23:30 UTC in December is still 23:30 in London (Greenwich Mean Time).
    winter = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)
    assert timezone.localdate(winter) == datetime.date(2026, 12, 1)


def test_dates_are_written_the_british_way():
    march = datetime.date(2026, 3, 31)
    assert formats.date_format(march, "SHORT_DATE_FORMAT") == "31/03/2026"  # not 03/31/2026
    assert Template('{{ day|date:"j F Y" }}').render(Context({"day": march})) == "31 March 2026"


@pytest.mark.django_db
def test_a_request_that_fails_part_way_saves_nothing(client, world, monkeypatch):
    """Each request is one transaction: what a view wrote before it failed is undone."""
    client.raise_request_exception = False
    client.force_login(world.personas["coordinator"])

    def broken(*args, **kwargs):
        raise RuntimeError("failed after the round was saved")

    # The round is saved by the service; the view then fails while saying so.
    monkeypatch.setattr(round_views.messages, "success", broken)
    response = client.post(reverse("round_open"), round_form())

    assert response.status_code == 500
    assert not MonitoringRound.objects.exists()
