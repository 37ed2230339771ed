"""Services of a test's own, really started and stopped (issue 16's outage tests).

The machine's PostgreSQL (5432) and Redis (6379) serve everyone's tests and are never
stopped: an outage test starts a redis-server, or a throwaway PostgreSQL cluster, on a free
port of its own and stops that. Without the programs the tests are skipped with the reason,
except in CI (REQUIRE_REDIS=1), where they must run.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis

REQUIRED = bool(os.environ.get("REQUIRE_REDIS"))
REDIS_SERVER = shutil.which("redis-server")


def _postgres_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return os.path.dirname(found[0])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


POSTGRES_BINDIR = _postgres_bindir()


def _postgres_user() -> str | None:
    """initdb refuses to run as root: as root, clusters are made as the postgres user."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        return ""


needs_redis_server = pytest.mark.skipif(
    REDIS_SERVER is None and not REQUIRED,
    reason="redis-server is not installed here (apt-get install redis-server)",
)
needs_postgres_server = pytest.mark.skipif(
    (POSTGRES_BINDIR is None or _postgres_user() == "") and not REQUIRED,
    reason="no PostgreSQL server programs (initdb, pg_ctl) to run a cluster of the test's own, "
    "or running as root without a postgres user to run them as",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} did not start in {seconds} s")


class RedisServer:
    """A redis-server of the test's own, started and stopped on one port."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self.client().ping(), 10, f"redis-server on port {self.port}")
        return self

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free port."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="outage-pg-")
        self.user = _postgres_user()
        if self.user:
            shutil.chown(self.dir, self.user)
        self.data = os.path.join(self.dir, "data")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run(
            [*prefix, os.path.join(POSTGRES_BINDIR, command[0]), *command[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.dir,
            timeout=60,
        )

    def create(self):
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        log = os.path.join(self.dir, "server.log")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")
        return self

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
