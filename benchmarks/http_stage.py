"""The benchmark's HTTP stage: the pages served by gunicorn, loaded with wrk.

After the in-process measurements of a size, ``bench --measure --http`` (what the driver
runs unless ``--no-http``) serves ``config.wsgi`` with gunicorn against the same benchmark
database, production-like (``DEBUG`` off, a throwaway ``SECRET_KEY``, collected static
files, the run's ``CACHE_URL``), signs the benchmark user in by making a session in the
database, and runs wrk on ``/healthz`` (the floor: the cheapest request the stack
answers), then on each page, then on ``/healthz`` again. Each page's cost is given as
"× floor": the floor's requests per second divided by the page's.

The parsing and judging functions here are pure, so they are tested without a server.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import secrets
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test import Client, override_settings

from reports import freshness

WRK_THREADS = 2
WRK_CONNECTIONS = 8
# wrk's default of 2 s would count slow pages as socket timeouts and leave them out of
# the latency distribution; a page that slow should be measured, not dropped.
WRK_TIMEOUT = "30s"

# In synthetic.OBJECTS ("a shared volunteering plan"): strategy actions' text and the
# progress updates' narratives use it, so the search finds a good share of the plan.
SEARCH_WORD = "volunteering"

# The targets, as "× floor": at most this many times the cost of /healthz.
HTML_TARGET = 30
SEARCH_TARGET = 50

# (key, label, path, target); "{action}" is the strategy action measured in-process too.
# A target of None marks the floor, requested without signing in.
HTTP_PAGES = [
    ("healthz", "Health check (`/healthz`), the floor", "/healthz", None),
    ("plan", "Plan (`/plan/`)", "/plan/", HTML_TARGET),
    (
        "search",
        f"Plan search (`/plan/?q={SEARCH_WORD}`)",
        f"/plan/?q={SEARCH_WORD}",
        SEARCH_TARGET,
    ),
    ("changes", "Changes (`/dashboard/changes/`)", "/dashboard/changes/", HTML_TARGET),
    (
        "council_actions",
        "Proposed council actions (`/council-actions/`)",
        "/council-actions/",
        HTML_TARGET,
    ),
    ("action", "Action page (`/actions/<id>/`)", "/actions/{action}/", HTML_TARGET),
    ("dashboard", "Dashboard (`/dashboard/`)", "/dashboard/", HTML_TARGET),
    ("indicators", "Indicators (`/indicators/`)", "/indicators/", HTML_TARGET),
    (
        "indicator",
        "Indicator page (`/indicators/<id>/`)",
        "/indicators/{indicator}/",
        HTML_TARGET,
    ),
    (
        "plan_churn",
        "Plan (`/plan/`) while the plan changes every second",
        "/plan/",
        HTML_TARGET,
    ),
    # The risk registers (issue 15): all of them, and the measured strategy's, whose risks and
    # their reviews grow with the plan's actions.
    ("risk_registers", "Risk registers (`/risks/`)", "/risks/", HTML_TARGET),
    (
        "risk_register",
        "Risk register (`/strategies/<slug>/risks/`)",
        "/strategies/{strategy}/risks/",
        HTML_TARGET,
    ),
    # The public site (issue 14), loaded without signing in (ANONYMOUS_KEYS).
    (
        "public_strategy",
        "Public strategy page (`/public/<slug>/`), anonymous",
        "/public/{strategy}/",
        HTML_TARGET,
    ),
    (
        "public_action",
        "Public action page (`/public/<slug>/actions/<id>/`), anonymous",
        "/public/{strategy}/actions/{public_action}/",
        HTML_TARGET,
    ),
    (
        "public_council",
        "Public council actions (`/public/<slug>/council-actions/`), anonymous",
        "/public/{strategy}/council-actions/",
        HTML_TARGET,
    ),
    ("healthz_end", "Health check again, at the end (floor)", "/healthz", None),
]
#: Pages with a target that are loaded without a session cookie: the public site.
ANONYMOUS_KEYS = ("public_strategy", "public_action", "public_council")
FLOOR_KEYS = ("healthz", "healthz_end")
# Pages are kept rendered until the plan changes (govuk/fragments.py); these are loaded while
# the plan's generation moves every CHURN_SECONDS, as if someone saved an update that often,
# so every worker renders the page afresh once a second.
CHURN_KEYS = ("plan_churn",)
CHURN_SECONDS = 1.0


# --- wrk's output -------------------------------------------------------------------------

_MS_PER_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"\d+(?:\.\d+)?(?:us|ms|s|m|h)"


def to_ms(text: str) -> float:
    """A wrk duration ("683.00us", "1.87ms", "2.01s", "1.00m") in milliseconds."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"Not a wrk duration: {text!r}")
    return float(match[1]) * _MS_PER_UNIT[match[2]]


def parse_wrk(output: str) -> dict:
    """What wrk --latency printed: requests/s, p50 and p99 in ms, and every kind of error.

    wrk counts 3xx as successes ("Non-2xx or 3xx responses" counts the rest), so redirects
    are caught separately, by checking each page's status before and after the run.
    """
    rps = re.search(r"^Requests/sec:\s+(\d+(?:\.\d+)?)\s*$", output, re.M)
    if not rps:
        raise ValueError("wrk printed no Requests/sec line")
    percentiles = {
        int(float(p)): to_ms(value)
        for p, value in re.findall(rf"^\s+(\d+(?:\.\d+)?)%\s+({_DURATION})\s*$", output, re.M)
    }
    done = re.search(rf"^\s*(\d+) requests in ({_DURATION}),", output, re.M)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rps[1]),
        "p50_ms": percentiles.get(50),
        "p99_ms": percentiles.get(99),
        "requests": int(done[1]) if done else None,
        "seconds": round(to_ms(done[2]) / 1000, 2) if done else None,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": dict(
            zip(
                ("connect", "read", "write", "timeout"),
                (int(n) for n in sockets.groups()) if sockets else (0, 0, 0, 0),
                strict=True,
            )
        ),
    }


def page_errors(page: dict | None) -> str:
    """Why a page's figures cannot be taken at face value ("" when they can)."""
    if page is None:
        return "not measured"
    problems = []
    if page.get("error"):
        problems.append(page["error"])
    for when in ("status_before", "status_after"):
        status = page.get(when)
        if status is not None and status != 200:
            problems.append(f"answered {status} {when.split('_')[1]} the run")
    if page.get("non_2xx"):
        problems.append(f"{page['non_2xx']:,} responses not 2xx/3xx")
    sockets = {kind: n for kind, n in (page.get("socket_errors") or {}).items() if n}
    if sockets:
        problems.append(
            "socket errors: " + ", ".join(f"{kind} {n:,}" for kind, n in sockets.items())
        )
    if not problems and page.get("rps") is None:
        problems.append("no figures")
    return "; ".join(problems)


# --- Judging against the floor --------------------------------------------------------------


def floor_rps(pages: dict) -> float | None:
    """The mean requests/s of /healthz at the start and the end (those without errors)."""
    figures = [
        pages[key]["rps"]
        for key in FLOOR_KEYS
        if key in pages and not page_errors(pages[key]) and pages[key]["rps"]
    ]
    return statistics.mean(figures) if figures else None


def times_floor(floor: float | None, page: dict | None) -> float | None:
    """How many times the floor's cost a page costs: floor req/s ÷ page req/s."""
    if not floor or not page or page_errors(page) or not page.get("rps"):
        return None
    return floor / page["rps"]


def verdict(ratio: float | None, target: int | None) -> str:
    """ "met", "not met", or "" when there is no target or no figure."""
    if target is None or ratio is None:
        return ""
    # Judged as shown, to one decimal: ×30.04 is shown as 30.0 and meets ≤ ×30.
    return "met" if round(ratio, 1) <= target else "not met"


def cell_ratio(floor: float | None, page: dict | None, target: int | None) -> str:
    """The "× floor" cell: the ratio to one decimal, judged against the page's target."""
    if target is None:
        return "1 (floor)" if page and not page_errors(page) else "—"
    if page_errors(page):
        return "**errors**"
    ratio = times_floor(floor, page)
    if ratio is None:
        return "no floor"
    judged = verdict(ratio, target)
    return f"{ratio:.1f} ({judged})" if judged == "met" else f"**{ratio:.1f} (not met)**"


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _rps(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.0f} MiB"


def render_http_table(stage: dict) -> list[str]:
    """One size's HTTP stage as a markdown table, with its floor, memory and errors."""
    if stage.get("skipped"):
        return [f"Not measured: {stage['skipped']}."]
    pages = stage.get("pages") or {}
    lines = []
    if stage.get("error"):
        lines += [f"**The stage failed:** {stage['error']}", ""]
    if not pages:
        return lines or ["Not measured."]
    floor = floor_rps(pages)
    lines += [
        "| Page | Requests/s | p50 ms | p99 ms | × floor | Target | Errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label, _, target in HTTP_PAGES:
        page = pages.get(key)
        if page is None:
            continue
        errors = page_errors(page)
        lines.append(
            f"| {label} | {_rps(page.get('rps'))} | {_ms(page.get('p50_ms'))} | "
            f"{_ms(page.get('p99_ms'))} | {cell_ratio(floor, page, target)} | "
            f"{f'≤ ×{target}' if target else '—'} | "
            + (f"**{errors}**" if errors else "none")
            + " |"
        )
    healthz = [pages[key].get("rps") for key in FLOOR_KEYS if key in pages]
    lines.append("")
    lines.append(
        "Floor: `/healthz` at "
        + " and ".join(f"{_rps(rps)}" for rps in healthz)
        + " requests/s (start, end)"
        + (f"; mean {_rps(floor)}." if floor else "; no usable floor.")
    )
    memory = stage.get("memory") or {}
    if memory.get("workers"):
        peaks = ", ".join(_mib(w.get("vmhwm_kib")) for w in memory["workers"])
        lines.append(
            f"Peak resident memory (VmHWM) of the {len(memory['workers'])} gunicorn workers: "
            f"{peaks}; the master {_mib(memory.get('master_vmhwm_kib'))}."
        )
    elif memory.get("error"):
        lines.append(f"Workers' peak memory not read: {memory['error']}.")
    return lines


def http_verdicts(stage: dict | None, size: int) -> list[str]:
    """The HTTP targets at one size, for "Against the targets"."""
    if not stage or stage.get("skipped") or not stage.get("pages"):
        return []
    pages = stage["pages"]
    floor = floor_rps(pages)
    missed, failed, met = [], [], 0
    for key, label, _, target in HTTP_PAGES:
        if target is None or key not in pages:
            continue
        if page_errors(pages[key]):
            failed.append(label)
            continue
        ratio = times_floor(floor, pages[key])
        if verdict(ratio, target) == "met":
            met += 1
        else:
            missed.append(f"{label} ×{ratio:.1f}" if ratio else f"{label} (no floor)")
    judged = met + len(missed) + len(failed)
    result = "met" if not missed and not failed else "not met"
    return [
        f"- **Under gunicorn at {size:,} actions, every HTML page within ×{HTML_TARGET} of "
        f"`/healthz` and the search within ×{SEARCH_TARGET}:** {result} — {met} of "
        f"{judged} pages within their target"
        + (f"; over it: {', '.join(missed)}" if missed else "")
        + (f"; errors (not judged): {', '.join(failed)}" if failed else "")
        + "."
    ]


# --- Running it -------------------------------------------------------------------------------


def mask_url(url: str) -> str:
    """A URL without its password."""
    return re.sub(r"(//[^:/@]*:)[^@/]+@", r"\1***@", url)


def tools_missing() -> str:
    """Why the stage cannot run here ("" when it can)."""
    if not shutil.which("wrk"):
        return "wrk is not installed (apt-get install wrk)"
    if not _gunicorn():
        return "gunicorn is not installed in this environment"
    return ""


def _gunicorn() -> list[str]:
    script = Path(sys.executable).with_name("gunicorn")
    if script.exists():
        return [str(script)]
    found = shutil.which("gunicorn")
    return [found] if found else []


def production_env(secret_key: str) -> dict[str, str]:
    """This process's environment (DATABASE_URL, CACHE_URL, …), made production-like."""
    env = {**os.environ}
    env.update(
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        # The API's throttles would answer the load with 429 (issue 14): measured unthrottled.
        API_RATE_PER_TOKEN="100000000/second",
        API_RATE_PER_ADDRESS="100000000/second",
        API_RATE_WRITES="100000000/second",
    )
    return env


def signed_in_cookie(user, secret_key: str) -> str:
    """A session in the database for `user`, signed with the server's key: its Cookie value.

    The session and the hash of the user's password in it are signed with SECRET_KEY, so
    they are made under the key gunicorn runs with.
    """
    security = logging.getLogger("accounts.security")  # "Sign-in succeeded": noise here
    level = security.level
    security.setLevel(logging.WARNING)
    try:
        with override_settings(SECRET_KEY=secret_key):
            client = Client()
            client.force_login(user)
    finally:
        security.setLevel(level)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, cookie: str | None, timeout: float = 120) -> tuple[int, int]:
    """One GET, without following redirects: (status, bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def wait_until_healthy(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}) before answering")
        try:
            status, _ = _get(port, "/healthz", None, timeout=5)
            if status == 200:
                return
            last = f"status {status}"
        except OSError as error:
            last = str(error)
        time.sleep(0.3)
    raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f} s ({last})")


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers, for its master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces and brackets, so split after it.
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def peak_rss_kib(pid: int) -> int | None:
    """VmHWM, the peak resident set size, of a process in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def wrk_command(
    url: str, *, duration: float, cookie: str | None, latency: bool = True
) -> list[str]:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{duration:g}s",
        "--timeout",
        WRK_TIMEOUT,
    ]
    if latency:
        command.append("--latency")
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, url]


def _wrk(command: list[str], duration: float) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 120, check=False
    )
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return done.stdout


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_stage(
    *,
    user,
    action_id: int | None,
    indicator_id: int | None = None,
    public: dict | None = None,
    workers: int = 2,
    duration: float = 10,
    warmup: float = 2,
    log=None,
) -> dict:
    """Serve the current database with gunicorn and load each page with wrk.

    Never raises for a failing page or server: what failed is in the result. gunicorn is
    always stopped.
    """
    say = log or (lambda message: None)
    if missing := tools_missing():
        say(f"  HTTP stage skipped: {missing}.")
        return {"skipped": missing}
    base = Path(settings.BASE_DIR)
    secret_key = secrets.token_urlsafe(50)
    env = production_env(secret_key)
    port = free_port()
    gunicorn = [
        *_gunicorn(),
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    cache_url = os.environ.get("CACHE_URL")
    stage: dict = {
        "workers": workers,
        "duration_s": duration,
        "warmup_s": warmup,
        "threads": WRK_THREADS,
        "connections": WRK_CONNECTIONS,
        "timeout": WRK_TIMEOUT,
        "search_word": SEARCH_WORD,
        "cache": mask_url(cache_url) if cache_url else "in-process (CACHE_URL unset)",
        "database_url": mask_url(os.environ.get("DATABASE_URL", "the default")),
        "gunicorn": shlex.join([_relative(gunicorn[0], base), *gunicorn[1:-1], "127.0.0.1:PORT"]),
        "pages": {},
    }

    say(f"  HTTP stage: collectstatic, then gunicorn --workers {workers} on port {port} …")
    collect = subprocess.run(
        [sys.executable, str(base / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=base,
        capture_output=True,
        text=True,
        check=False,
    )
    if collect.returncode:
        stage["error"] = f"collectstatic failed: {collect.stderr.strip()[-300:]}"
        say(f"  {stage['error']}")
        return stage

    cookie = signed_in_cookie(user, secret_key)
    log_file = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    with log_file.open("w") as output:
        process = subprocess.Popen(
            gunicorn, env=env, cwd=base, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(port, process)
        for key, label, path, target in HTTP_PAGES:
            if "{action}" in path:
                if action_id is None:
                    stage["pages"][key] = {"path": path, "error": "no action to measure"}
                    continue
                path = path.format(action=action_id)
            if "{indicator}" in path:
                if indicator_id is None:
                    stage["pages"][key] = {"path": path, "error": "no indicator to measure"}
                    continue
                path = path.format(indicator=indicator_id)
            if "{strategy}" in path:
                if not (public or {}).get("strategy") or (
                    "{public_action}" in path and not public.get("public_action")
                ):
                    stage["pages"][key] = {"path": path, "error": "no published strategy"}
                    continue
                path = path.format(**public)
            signed_in = cookie if target is not None and key not in ANONYMOUS_KEYS else None
            with _changing(every=CHURN_SECONDS if key in CHURN_KEYS else None) as changes:
                stage["pages"][key] = page = _load(port, path, signed_in, duration, warmup)
            if key in CHURN_KEYS:
                page["changes"] = changes["count"]
            problem = page_errors(page)
            if page.get("error") and page.get("status_before") not in (None, 200):
                page["server_log"] = _tail(log_file)
            say(
                f"    {label}: {_rps(page.get('rps'))} req/s, p50 {_ms(page.get('p50_ms'))} ms, "
                f"p99 {_ms(page.get('p99_ms'))} ms" + (f" — ERRORS: {problem}" if problem else "")
            )
        stage["memory"] = _memory(process.pid)
    except Exception as error:
        stage["error"] = f"{type(error).__name__}: {error}"[:300]
        stage["server_log"] = _tail(log_file)
        say(f"  HTTP stage failed: {stage['error']}")
    finally:
        _stop(process)
        log_file.unlink(missing_ok=True)
    return stage


@contextmanager
def _changing(every: float | None):
    """While the block runs, move the plan's generation every `every` seconds (in a thread,
    with its own database connection); yields {"count": how many times it moved}."""
    done = {"count": 0}
    if every is None:
        yield done
        return
    stop = threading.Event()

    def change():
        try:
            while not stop.wait(every):
                freshness.bump()
                done["count"] += 1
        finally:
            connections.close_all()

    thread = threading.Thread(target=change, name="bench-changes", daemon=True)
    thread.start()
    try:
        yield done
    finally:
        stop.set()
        thread.join(timeout=30)


def _load(port: int, path: str, cookie: str | None, duration: float, warmup: float) -> dict:
    """Check the page answers 200, warm up, run wrk, check it still answers 200."""
    url = f"http://127.0.0.1:{port}{path}"
    page: dict = {"path": path}
    try:
        page["status_before"], page["bytes"] = _get(port, path, cookie)
    except OSError as error:
        page["error"] = f"no answer: {error}"
        return page
    if page["status_before"] != 200:
        page["error"] = f"not loaded: it answered {page['status_before']}"
        return page
    if warmup > 0:
        _wrk(wrk_command(url, duration=warmup, cookie=cookie, latency=False), warmup)
    page.update(parse_wrk(_wrk(wrk_command(url, duration=duration, cookie=cookie), duration)))
    try:
        page["status_after"], _ = _get(port, path, cookie)
    except OSError as error:
        page["error"] = f"no answer after the run: {error}"
    return page


def _memory(master: int) -> dict:
    workers = child_pids(master)
    if not workers:
        return {"error": "no worker processes found"}
    return {
        "master_vmhwm_kib": peak_rss_kib(master),
        "workers": [{"pid": pid, "vmhwm_kib": peak_rss_kib(pid)} for pid in workers],
    }


def _stop(process: subprocess.Popen) -> None:
    """Stop gunicorn gracefully (its workers with it), then by force."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _relative(path: str, base: Path) -> str:
    try:
        return str(Path(path).relative_to(base))
    except ValueError:
        return path


def reproduce(stage: dict) -> list[str]:
    """The shell commands the stage ran, with placeholders for the secret and the port."""
    duration, warmup = stage.get("duration_s", 10), stage.get("warmup_s", 2)
    env = (
        "DEBUG=false "
        "SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\" "
        "ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false "
        f"DATABASE_URL={stage.get('database_url', '…')}"
        + (
            f" CACHE_URL={stage['cache']}"
            if "://" in str(stage.get("cache", ""))
            else " # CACHE_URL unset: in-process cache"
        )
    )
    wrk = f"wrk -t{stage.get('threads', WRK_THREADS)} -c{stage.get('connections', WRK_CONNECTIONS)}"
    timeout = stage.get("timeout", WRK_TIMEOUT)
    return [
        f"export {env}",
        ".venv/bin/python manage.py collectstatic --noinput",
        f"{stage.get('gunicorn', '.venv/bin/gunicorn config.wsgi')} &",
        "# a session for the benchmark's Cabinet member, signed with that SECRET_KEY:",
        'COOKIE=$(.venv/bin/python manage.py shell -v 0 -c "from django.test import Client; '
        "from accounts.models import User; c = Client(); "
        "c.force_login(User.objects.get(username='bench-cabinet-member')); "
        "print('sessionid=' + c.cookies['sessionid'].value)\")",
        f'{wrk} -d{warmup:g}s --timeout {timeout} -H "Cookie: $COOKIE" '
        "http://127.0.0.1:PORT/plan/   # warm-up, not recorded",
        f'{wrk} -d{duration:g}s --timeout {timeout} --latency -H "Cookie: $COOKIE" '
        "http://127.0.0.1:PORT/plan/",
        f"{wrk} -d{duration:g}s --timeout {timeout} --latency http://127.0.0.1:PORT/healthz"
        "   # the floor, not signed in",
        "# the same for each page in the table, in its order, and /healthz again at the end",
    ]
