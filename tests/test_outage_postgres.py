"""PostgreSQL really stopped and started again under a production-like server (issue 16).

A throwaway PostgreSQL cluster of the test's own (tests/outage_services.py) and gunicorn with
the production settings (DEBUG off, persistent connections with health checks) in front of
it. With the server stopped, pages and the health check answer 503 with Retry-After and the
"service unavailable" page, a posted form says it was not saved and shows what was typed,
and the fault is in the log; started again, the very next request is answered as usual and
the person is still signed in.

It does not use the suite's database, so it runs the same under SQLite and PostgreSQL.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.outage_services import PostgresServer, free_port, needs_postgres_server, wait_for

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough password 16"

pytestmark = [needs_postgres_server]

SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.roles import Role
from tests.factories import ActionPartnerFactory, StrategyActionFactory, UserFactory
person = UserFactory(username="coordinator", role=Role.FORUM_COORDINATOR, password={PASSWORD!r})
action = StrategyActionFactory()
ActionPartnerFactory(strategy_action=action, partner=person.organisation)
print(action.pk)
"""


def server_env(database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "CACHE_URL", "CELERY_BROKER_URL", "ENV_FILE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.outage_settings",
        DATABASE_URL=database_url,
        SECRET_KEY="outage-test-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        ENV_FILE=os.devnull,
        CONN_MAX_AGE="60",
        CONN_HEALTH_CHECKS="true",
    )
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the site's address, the cluster, an action's id, the server's log)."""
    postgres = PostgresServer().create().start()
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    server = None
    try:
        env = server_env(postgres.url)
        done = subprocess.run(
            [sys.executable, "-c", SETUP],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        action_id = int(done.stdout.strip().splitlines()[-1])
        port = free_port()
        with log.open("w") as out:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 30, "gunicorn")
        yield url, postgres, action_id, log
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        postgres.remove()


class Browser:
    """Cookies kept by hand: with DEBUG off they are marked Secure, and this is plain HTTP."""

    def __init__(self, url: str):
        self.url = url
        self.cookies = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method,
            self.url + path,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        return response

    def sign_in(self, username: str, password: str) -> None:
        form = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        response = self.request(
            "POST",
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        assert response.status_code == 302, response.text[:500]

    def csrf_token(self, path: str) -> str:
        page = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def assert_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"] == "30"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Sorry, the service is unavailable" in response.text


def test_pages_answer_503_while_postgresql_is_stopped_and_work_again_once_it_is_back(site):
    url, postgres, action_id, log = site
    person = Browser(url)
    person.sign_in("coordinator", PASSWORD)
    assert person.request("GET", "/plan/").status_code == 200
    update_form = f"/actions/{action_id}/update/"
    token = person.csrf_token(update_form)

    postgres.stop()
    try:
        for path in ["/plan/", f"/actions/{action_id}/", "/dashboard/", "/public/"]:
            assert_unavailable(person.request("GET", path))
        health = person.request("GET", "/healthz")
        assert health.status_code == 503
        assert "database: down" in health.text
        typed = "Forty groups met <in person> & online."
        posted = person.request(
            "POST",
            update_form,
            data={"csrfmiddlewaretoken": token, "status": "on_track", "narrative": typed},
        )
        assert_unavailable(posted)
        assert "Your changes have not been saved." in posted.text
        assert "Forty groups met &lt;in person&gt; &amp; online." in posted.text
        assert token not in posted.text
        assert "Anonymous" not in person.request("GET", "/plan/").text
    finally:
        postgres.start()

    # The very next request succeeds, and the person is still signed in.
    page = person.request("GET", "/plan/")
    assert page.status_code == 200
    assert "Sign out" in page.text
    assert person.request("GET", "/healthz").status_code == 200
    time.sleep(0.2)  # let the server write its log
    logged = log.read_text()
    assert "The database is unavailable: answering 503 to GET /plan/" in logged
    assert "Service Unavailable: /plan/" in logged  # Django's own log line, with the traceback
    assert "Internal Server Error" not in logged
