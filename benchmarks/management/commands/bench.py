"""Benchmark the plan's pages on large synthetic plans (`make bench`).

``manage.py bench`` (what ``make bench`` runs) is the driver. For each size it
resets a dedicated benchmark database, then runs ``manage.py bench --measure
--actions N`` in a fresh process pointed at it, which migrates, seeds the
synthetic plan (benchmarks/synthetic.py) and measures each page in-process with
Django's test ``Client``: queries per request (``CaptureQueriesContext``) and the
median server time (``time.perf_counter``) over several runs after a warm-up. The
driver then prints one table and writes it, with the machine and database, to
``--output`` (docs/benchmarks.md).

Unless ``--no-http``, each size then has an HTTP stage (benchmarks/http_stage.py): the
same child serves the benchmark database with gunicorn (``--http-workers``, DEBUG off, a
throwaway SECRET_KEY) and loads ``/healthz`` and each page with wrk for ``--http-duration``
seconds; the report gives each page's requests/s, p50 and p99, and its cost as a multiple
of ``/healthz``'s, against the issue's targets.

The benchmark database is ``BENCH_DATABASE_URL`` if set; otherwise PostgreSQL's
``tracker_bench`` at 127.0.0.1:5432 if PostgreSQL answers there, else the SQLite
file ``bench.sqlite3``. It is dropped and made again for each size, so its name
must contain "bench".

``bench --measure`` without ``--actions`` measures whatever database DATABASE_URL
names, as it is; ``bench --report --results FILE`` re-renders saved results.
"""

from __future__ import annotations

import datetime
import itertools
import json
import logging
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import django
import environ
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import got_request_exception
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import Partner, User
from accounts.roles import Role
from accounts.services import set_role
from actions.models import CouncilAction, StrategyAction
from benchmarks import http_stage, jobs_stage, soak, synthetic
from reports import freshness

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
SQLITE_FILE = "bench.sqlite3"
BENCH_USERNAME = "bench-cabinet-member"
BENCH_COORDINATOR = "bench-forum-coordinator"

# (key, label, path); "{action}" is the id of the strategy action measured. Pages are kept
# rendered until the plan changes (govuk/fragments.py), so each is measured twice: as it is
# mostly served, and as the first request after a change (key "<page>_cold"), with nothing
# from the cache.
SERVED = [
    ("plan", "Plan (`/plan/`)", "/plan/"),
    ("action", "Action page (`/actions/<id>/`)", "/actions/{action}/"),
    ("dashboard", "Dashboard (`/dashboard/`)", "/dashboard/"),
    ("changes", "Changes (`/dashboard/changes/`)", "/dashboard/changes/"),
    ("search", "Search (`/plan/?q=volunteering`)", "/plan/?q=volunteering"),
    ("council", "Proposed council actions (`/council-actions/`)", "/council-actions/"),
    ("indicators", "Indicators (`/indicators/`)", "/indicators/"),
    ("indicator", "Indicator page (`/indicators/<id>/`)", "/indicators/{indicator}/"),
    # The exports and the Cabinet report's PDF are measured as the background jobs they are
    # at these sizes (benchmarks/jobs_stage.py).
]
COLD = "_cold"
# The benchmark measures the API, not its throttles (issue 14).
UNTHROTTLED = dict.fromkeys(["caller", "address", "writes"], "100000000/second")
PAGES = [
    page
    for key, label, path in SERVED
    for page in (
        (key, label, path),
        (key + COLD, f"{label.split(' (`')[0]}, first request after a change", path),
    )
]
# Pages only a reviewer has, requested as the benchmark's Forum coordinator: the synthetic plan
# has an update waiting for review on one action in 50 (synthetic.PENDING_EVERY).
AS_COORDINATOR = {"review_queue"}
PAGES.append(("review_queue", "Review queue (`/reviews/`), as the coordinator", "/reviews/"))
PAGES.append(("slippage", "Slippage (`/dashboard/slippage/`)", "/dashboard/slippage/"))
PAGES.append(("report_archive", "Report archive (`/reports/archive/`)", "/reports/archive/"))
# The decision on a strategy, whole (issue 15): "{decision}" is pick_decision()'s slug. It
# reads the decision's passages only, so its cost does not grow with the plan.
PAGES.append(
    (
        "decision",
        "The decision on a strategy (`/strategies/<slug>/decision/`)",
        "/strategies/{decision}/decision/",
    )
)
# The risk register (issue 15): "{risk_strategy}" is the slug of the measured action's strategy.
PAGES.append(("risk_registers", "Risk registers (`/risks/`)", "/risks/"))
PAGES.append(
    (
        "risk_register",
        "Risk register (`/strategies/<slug>/risks/`)",
        "/strategies/{risk_strategy}/risks/",
    )
)
# The public site (issue 14), fetched without signing in, of the strategy publish_for_bench()
# publishes: "{strategy}" is its slug, "{public_action}" and "{public_indicator}" its own.
PUBLIC_PAGES = [
    ("public_strategy", "Public strategy page (`/public/<slug>/`)", "/public/{strategy}/"),
    (
        "public_theme",
        "Public theme page (`/public/<slug>/themes/1/`)",
        "/public/{strategy}/themes/1/",
    ),
    (
        "public_action",
        "Public action page (`/public/<slug>/actions/<id>/`)",
        "/public/{strategy}/actions/{public_action}/",
    ),
    (
        "public_council",
        "Public council actions (`/public/<slug>/council-actions/`)",
        "/public/{strategy}/council-actions/",
    ),
    (
        "public_indicator",
        "Public indicator page (`/public/<slug>/indicators/<id>/`)",
        "/public/{strategy}/indicators/{public_indicator}/",
    ),
    (
        "public_actions_csv",
        "Open data: actions CSV (`/public/<slug>/data/actions.csv`)",
        "/public/{strategy}/data/actions.csv",
    ),
    (
        "public_updates_json",
        "Open data: progress updates JSON (`/public/<slug>/data/progress-updates.json`)",
        "/public/{strategy}/data/progress-updates.json",
    ),
]
# Rendered afresh (pages) or written afresh (downloads, kept per state of the plan otherwise).
PUBLIC_COLD = {"public_strategy", "public_action", "public_actions_csv", "public_updates_json"}
for _key, _label, _path in PUBLIC_PAGES:
    PAGES.append((_key, f"{_label}, anonymous", _path))
    if _key in PUBLIC_COLD:
        PAGES.append(
            (_key + COLD, f"{_label.split(' (`')[0]}, first request after a change", _path)
        )
AS_ANONYMOUS = {key for key, _, _ in PAGES if key.startswith("public_")}

# The API's main lists (issue 14), a page of 50 each, read as the signed-in Cabinet member.
PAGES.append(("api_actions", "API: strategy actions (`/api/v1/actions/`)", "/api/v1/actions/"))
PAGES.append(
    (
        "api_updates",
        "API: progress updates (`/api/v1/progress-updates/`)",
        "/api/v1/progress-updates/",
    )
)
PAGES.append(
    ("api_council", "API: council actions (`/api/v1/council-actions/`)", "/api/v1/council-actions/")
)
PAGES.append(("api_indicators", "API: indicators (`/api/v1/indicators/`)", "/api/v1/indicators/"))
# The spreadsheet import's upload page (issue 14): the coordinator's, with their recent uploads.
PAGES.append(("import_plan", "Import the plan (`/import/`), as the coordinator", "/import/"))
AS_COORDINATOR.add("import_plan")
# The council's duties (issue 15): a proposed council action's page (its equality impact
# assessment and social value, each with its history, shown beside it) and the assessment
# forms, as the coordinator, who may change both. "{council_action}" is the first proposed
# council action of the strategy action measured.
PAGES.append(
    (
        "council_action",
        "Proposed council action page (`/council-actions/<id>/`)",
        "/council-actions/{council_action}/",
    )
)
PAGES.append(
    (
        "action_equality",
        "Equality impact assessment form (`/actions/<id>/equality/`), as the coordinator",
        "/actions/{action}/equality/",
    )
)
PAGES.append(
    (
        "council_action_equality",
        "Council action's equality impact assessment form "
        "(`/council-actions/<id>/equality/`), as the coordinator",
        "/council-actions/{council_action}/equality/",
    )
)
AS_COORDINATOR.update({"action_equality", "council_action_equality"})
# The privacy notice (issue 15): open to everyone, read anonymously.
PAGES.append(("privacy_notice", "Privacy notice (`/privacy/`), anonymous", "/privacy/"))
AS_ANONYMOUS.add("privacy_notice")
PAGE_KEYS = [key for key, _, _ in PAGES]


# --- Measuring, in the benchmark database's process ---------------------------------------


def bench_user(role: str = Role.CABINET_MEMBER) -> User:
    """Someone to sign in as: by default a Cabinet member (reads everything, changes nothing)."""
    council = Partner.objects.filter(kind=Partner.Kind.COUNCIL).order_by("pk").first()
    username = BENCH_USERNAME if role == Role.CABINET_MEMBER else BENCH_COORDINATOR
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": f"Benchmark {role.lower()}",
            "email": f"{username}@synthetic.invalid",
            "organisation": council,
        },
    )
    set_role(user=user, role=role)
    return user


def pick_action() -> int | None:
    """A strategy action of a current strategy with the most proposed council actions."""
    return (
        StrategyAction.objects.in_current_plans()
        .annotate(n=Count("council_actions"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def pick_decision() -> str | None:
    """The strategy with the most decision passages (the report's, where it is seeded); else
    the strategy of the action measured, whose page then says no decision is recorded."""
    from strategy.models import Strategy

    decided = (
        Strategy.objects.annotate(n=Count("decision_passages"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    if decided:
        return decided
    action_id = pick_action()
    if action_id is None:
        return None
    return Strategy.objects.filter(themes__actions=action_id).values_list("slug", flat=True).first()


def publish_for_bench() -> dict:
    """Publish the strategy of the action measured (as an administrator would) and name its
    public pages' arguments: {"strategy": slug, "public_action": id, "public_indicator": id}."""
    from django.utils import timezone

    from indicators.models import Indicator
    from strategy.models import Strategy

    action_id = pick_action()
    if action_id is None:
        return {}
    strategy = Strategy.objects.get(themes__actions=action_id)
    if not strategy.is_published:
        strategy.published_at = timezone.now()
        strategy.save(update_fields=["published_at"])
    indicator = (
        Indicator.objects.filter(strategy=strategy).order_by("pk").values_list("pk", flat=True)
    )
    return {
        "strategy": strategy.slug,
        "public_action": action_id,
        "public_indicator": indicator.first(),
    }


def _strategy_of(action_id: int | None) -> str:
    """The slug of the strategy of the action measured (the risk register's), or ''."""
    from strategy.models import Strategy

    if action_id is None:
        return ""
    return (
        Strategy.objects.filter(themes__actions=action_id).values_list("slug", flat=True).first()
        or ""
    )


def pick_indicator() -> int | None:
    """An indicator with the most values (all have the same number in the synthetic plan)."""
    from indicators.models import Indicator

    return (
        Indicator.objects.annotate(n=Count("values"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


class _Errors:
    """The last exception a request raised (the Client turns it into a 500)."""

    def __init__(self):
        self.last: BaseException | None = None

    def __call__(self, **kwargs):
        self.last = sys.exc_info()[1]

    def take(self) -> str:
        error, self.last = self.last, None
        return f"{type(error).__name__}: {error}"[:300] if error else ""


@contextmanager
def _measuring():
    """Production-like settings for the requests, and request errors caught quietly."""
    errors = _Errors()
    got_request_exception.connect(errors, dispatch_uid="bench-errors")
    # Errors are reported in the results; sign-ins and WeasyPrint's CSS warnings are noise here.
    quiet = {
        "django.request": logging.CRITICAL,
        "django.security": logging.CRITICAL,
        "accounts.security": logging.WARNING,
        "weasyprint": logging.ERROR,
        "fontTools": logging.ERROR,
    }
    loggers = [logging.getLogger(name) for name in quiet]
    levels = [logger.level for logger in loggers]
    for logger, level in zip(loggers, quiet.values(), strict=True):
        logger.setLevel(level)
    # DEBUG off while timing: no query log, no template debug information, as in production.
    hosts = ["testserver", *settings.ALLOWED_HOSTS]
    try:
        with (
            warnings.catch_warnings(),
            override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, API_THROTTLE_RATES=UNTHROTTLED),
        ):
            warnings.filterwarnings("ignore", "No directory at", UserWarning)  # WhiteNoise
            yield errors
    finally:
        got_request_exception.disconnect(dispatch_uid="bench-errors")
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _consume(response) -> int:
    """Read the whole response, as a browser would; return its size in bytes."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _get(client: Client, path: str, errors: _Errors) -> dict:
    """One request, timed from the call to the last byte."""
    started = time.perf_counter()
    try:
        response = client.get(path)
        size = _consume(response)
    except Exception as error:  # a failure while streaming, after the status was sent
        return {"status": None, "error": f"{type(error).__name__}: {error}"[:300]}
    seconds = time.perf_counter() - started
    return {
        "status": response.status_code,
        "error": errors.take() if response.status_code >= 500 else "",
        "bytes": size,
        "seconds": seconds,
    }


def measure_page(
    client: Client,
    path: str,
    *,
    runs: int,
    slow_seconds: float,
    errors: _Errors,
    before=None,
) -> dict:
    """Warm up once, count the queries of one request, then time `runs` requests.

    `before`, if given, runs before every request (untimed): e.g. marking the plan
    as changed, so a cached page is rendered afresh each time.
    """
    result: dict = {"path": path}

    def get(client, path, errors):
        if before is not None:
            before()
        return _get(client, path, errors)

    warm = get(client, path, errors)
    if warm["status"] != 200:
        result.update(status=warm["status"], error=warm["error"])
        return result
    with CaptureQueriesContext(connection) as queries:
        counted = get(client, path, errors)
    if counted["status"] != 200:
        result.update(status=counted["status"], error=counted["error"])
        return result
    result.update(status=200, queries=len(queries.captured_queries), bytes=counted["bytes"])
    result.update(_sql_time(queries.captured_queries, counted["seconds"]))
    if warm["seconds"] > slow_seconds:
        # Too slow to repeat: report the counted request's time (its query capture is cheap).
        times = [counted["seconds"]]
        result["note"] = f"1 run only: the warm-up took {warm['seconds']:.0f} s"
    else:
        times = []
        for _ in range(runs):
            timed = get(client, path, errors)
            if timed["status"] != 200:
                result.update(status=timed["status"], error=timed["error"])
                return result
            times.append(timed["seconds"])
    result["times_ms"] = [round(t * 1000, 1) for t in times]
    result["median_ms"] = round(statistics.median(times) * 1000, 1)
    return result


def _sql_time(captured: list[dict], seconds: float) -> dict:
    """How much of the counted request was spent in the database, and its slowest query."""
    timed = [(float(q["time"]), q["sql"]) for q in captured if q.get("time")]
    slowest = max(timed, default=(0.0, ""))
    return {
        "counted_ms": round(seconds * 1000, 1),
        "sql_ms": round(sum(t for t, _ in timed) * 1000, 1),
        "slowest_sql_ms": round(slowest[0] * 1000, 1),
        "slowest_sql": _without_columns(" ".join(slowest[1].split()))[:400],
    }


def _without_columns(sql: str) -> str:
    """SELECT … FROM …: the column list says little; keep what is read, and how."""
    if not sql.startswith(("SELECT ", "DECLARE ")) or "SELECT " not in sql:
        return sql
    start = sql.index("SELECT ") + 7
    depth = 0
    for i in range(start, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        if depth == 0 and sql.startswith(" FROM ", i):  # the outer FROM, not a subquery's
            return sql[:start] + "…" + sql[i:]
    return sql


def measure(
    *,
    runs: int = 5,
    pdf_runs: int = 3,
    slow_seconds: float = 30.0,
    pages: list[str] | None = None,
    log=None,
) -> dict:
    """Measure the pages against the database as it is now. Never raises for a failing page."""
    say = log or (lambda message: None)
    action_id = pick_action()
    wanted = pages or PAGE_KEYS
    indicator_id = pick_indicator()
    council_action_id = (
        CouncilAction.objects.filter(strategy_action_id=action_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    public = publish_for_bench() if any(key in AS_ANONYMOUS for key in wanted) else {}
    decision = pick_decision() if "decision" in wanted else None
    results: dict = {
        "pages": {},
        "action_id": action_id,
        "indicator_id": indicator_id,
        "public": public,
    }
    with _measuring() as errors:
        anonymous = Client(raise_request_exception=False)
        client = Client(raise_request_exception=False)
        client.force_login(bench_user())
        coordinator = Client(raise_request_exception=False)
        coordinator.force_login(bench_user(Role.FORUM_COORDINATOR))
        for key, label, path in PAGES:
            if key not in wanted:
                continue
            if "{action}" in path and action_id is None:
                results["pages"][key] = {"label": label, "status": None, "error": "no action"}
                continue
            if "{indicator}" in path and indicator_id is None:
                results["pages"][key] = {"label": label, "status": None, "error": "no indicator"}
                continue
            if "{strategy}" in path and not all(
                public.get(k) for k in ("strategy", *_public_keys(path))
            ):
                results["pages"][key] = {"label": label, "status": None, "error": "no public page"}
                continue
            if "{decision}" in path and decision is None:
                results["pages"][key] = {"label": label, "status": None, "error": "no strategy"}
                continue
            if "{council_action}" in path and council_action_id is None:
                results["pages"][key] = {
                    "label": label,
                    "status": None,
                    "error": "no council action",
                }
                continue
            path = path.format(
                action=action_id,
                indicator=indicator_id,
                decision=decision,
                council_action=council_action_id,
                risk_strategy=_strategy_of(action_id),
                **public,
            )
            say(f"  {label} …")
            page = measure_page(
                anonymous
                if key.removesuffix(COLD) in AS_ANONYMOUS
                else coordinator
                if key in AS_COORDINATOR
                else client,
                path,
                runs=pdf_runs if key == "pdf" else runs,
                slow_seconds=slow_seconds,
                errors=errors,
                before=freshness.bump if key.endswith(COLD) else None,
            )
            page["label"] = label
            results["pages"][key] = page
            say(f"    {_cell_queries(page)} queries, {_cell_ms(page)} ms")
    return results


def _public_keys(path: str) -> list[str]:
    return [key for key in ("public_action", "public_indicator") if "{" + key + "}" in path]


def database_description() -> dict:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        elif vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = cursor.fetchone()[0]
        else:
            version = ""
    name = str(settings.DATABASES["default"]["NAME"])
    return {"vendor": vendor, "version": version, "name": Path(name).name}


# --- Driving: a fresh database per size ---------------------------------------------------------


def postgres_answers() -> bool:
    try:
        import psycopg2

        psycopg2.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3
        ).close()
    except Exception:
        return False
    return True


def choose_database_url() -> tuple[str, str]:
    """The benchmark database, and why it was chosen."""
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url, "BENCH_DATABASE_URL"
    if postgres_answers():
        return DEFAULT_POSTGRES_URL, "PostgreSQL answered at 127.0.0.1:5432"
    sqlite = Path(settings.BASE_DIR) / SQLITE_FILE
    return f"sqlite:///{sqlite}", "no PostgreSQL answered at 127.0.0.1:5432"


def reset_database(
    url: str, *, must_contain: str = "bench", variable: str = "BENCH_DATABASE_URL"
) -> None:
    """Drop and recreate the benchmark database (its name must contain 'bench'; the soak's,
    'soak')."""
    config = environ.Env.db_url_config(url)
    name = str(config["NAME"])
    if must_contain not in Path(name).name:
        raise CommandError(
            f"Refusing to reset database {name!r}: its name must contain "
            f"{must_contain!r} (set {variable})."
        )
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    if "postgresql" not in engine:
        raise CommandError(f"bench can reset PostgreSQL or SQLite databases, not {engine}.")
    import psycopg2
    from psycopg2 import sql

    maintenance = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    try:
        maintenance.autocommit = True
        with maintenance.cursor() as cursor:
            force = sql.SQL(" WITH (FORCE)" if maintenance.server_version >= 130000 else "")
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        maintenance.close()


def _safe_url(url: str) -> str:
    """The URL without its password."""
    config = environ.Env.db_url_config(url)
    if config.get("PASSWORD"):
        return url.replace(f":{config['PASSWORD']}@", ":***@")
    return url


def machine_description() -> dict:
    memory = ""
    cpu = platform.processor()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "nproc": usable,
        "memory": memory,
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


# --- The report ---------------------------------------------------------------------------------


def _size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"


def _failed(page: dict | None) -> str | None:
    if page is None:
        return "not measured"
    if page.get("status") != 200:
        return f"error: {page.get('status') or 'exception'}"
    return None


def _cell_queries(page: dict | None) -> str:
    return _failed(page) or str(page["queries"])


def _cell_ms(page: dict | None) -> str:
    if failed := _failed(page):
        return failed
    return f"{page['median_ms']:,.0f}" if page["median_ms"] >= 100 else f"{page['median_ms']:.1f}"


def _mib(n: int | None) -> str:
    if n is None:
        return "n/a"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


def render_table(runs: list[dict]) -> str:
    sizes = [_size_label(run["size"]) for run in runs]
    header = ["Page"] + [f"Queries @{s}" for s in sizes] + [f"Median ms @{s}" for s in sizes]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, label, _ in PAGES:
        pages = [run["pages"].get(key) for run in runs]
        cells = (
            [label] + [_cell_queries(page) for page in pages] + [_cell_ms(page) for page in pages]
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _verdicts(runs: list[dict]) -> list[str]:
    """The issue's three targets, against what was measured."""
    lines = []
    by_size = sorted(runs, key=lambda r: r["size"])
    same, fewer, more, failed = [], [], [], []
    for key, label, _ in PAGES:
        pages = [run["pages"].get(key) for run in by_size]
        counts = [page["queries"] for page in pages if not _failed(page)]
        trail = f"{label} ({' → '.join(str(n) for n in counts)})"
        if len(counts) < len(pages):
            failed.append(label)
        elif len(set(counts)) == 1:
            same.append(label)
        elif all(b <= a for a, b in itertools.pairwise(counts)):
            fewer.append(trail)  # e.g. a long choice list becomes a text box: no options read
        else:
            more.append(trail)
    lines.append(
        "- **No page makes more queries as the plan grows:** "
        + ("not met" if more else "met" if not failed else "not yet known")
        + f" — the same at every size for {len(same)} of {len(PAGES)} pages"
        + (f"; fewer at scale for {', '.join(fewer)}" if fewer else "")
        + (f"; more at scale for {', '.join(more)}" if more else "")
        + (f"; not measured (errors) for {', '.join(failed)}" if failed else "")
        + "."
    )
    lines.append(_flat_verdict(by_size))
    biggest = by_size[-1]
    dashboard = biggest["pages"].get("dashboard")
    if _failed(dashboard):
        lines.append(
            f"- **Dashboard median under 150 ms at {biggest['size']:,} actions:** not measured "
            f"({_failed(dashboard)})."
        )
    else:
        ms = dashboard["median_ms"]
        cold = biggest["pages"].get("dashboard_cold")
        cold_ms = None if _failed(cold) else cold["median_ms"]
        if cold_ms is None:
            verdict = f"{'met' if ms < 150 else 'not met'} — {ms:.1f} ms."
        else:
            # The page is cached until the plan changes: give both, and judge each.
            verdict = (
                f"{'met' if ms < 150 else 'not met'} as the page is mostly served (from the "
                f"cache), {ms:.1f} ms; {'met' if cold_ms < 150 else 'not met'} for the first "
                f"request after a change, {cold_ms:.1f} ms."
            )
        lines.append(
            f"- **Dashboard median under 150 ms at {biggest['size']:,} actions "
            f"({biggest['database']['vendor']}):** {verdict}"
        )
    lines += http_stage.http_verdicts(biggest.get("http"), biggest["size"])
    lines += jobs_stage.verdicts(biggest)
    return lines


#: "Flat": the largest size's median at most this many times the smallest's, or at most
#: FLAT_SLACK_MS more (a few milliseconds are noise, not growth).
FLAT_RATIO = 1.5
FLAT_SLACK_MS = 10


def _flat_verdict(by_size: list[dict]) -> str:
    """Whether a page rendered afresh (the first request after a change) costs the same at
    the smallest and the largest size."""
    small, big = by_size[0], by_size[-1]
    label = f"{_size_label(small['size'])} → {_size_label(big['size'])}"
    if len(by_size) < 2:
        return "- **Time per request flat as the plan grows:** not known (one size measured)."
    flat, grows, failed = [], [], []
    for key, page_label, _ in PAGES:
        if not key.endswith(COLD):
            continue
        a, b = small["pages"].get(key), big["pages"].get(key)
        if _failed(a) or _failed(b):
            failed.append(page_label)
            continue
        cell = f"{page_label} {_cell_ms(a)} → {_cell_ms(b)} ms"
        limit = max(a["median_ms"] * FLAT_RATIO, a["median_ms"] + FLAT_SLACK_MS)
        (flat if b["median_ms"] <= limit else grows).append(cell)
    verdict = "not met" if grows else "met" if not failed else "not yet known"
    return (
        f"- **Time per request flat as the plan grows ({label}, first request after a change, "
        f"within ×{FLAT_RATIO:g} or {FLAT_SLACK_MS} ms):** {verdict}"
        + (f" — {'; '.join(flat)}" if flat else "")
        + (f"; grows: {'; '.join(grows)}" if grows else "")
        + (f"; not measured (errors) for {', '.join(failed)}" if failed else "")
        + "."
    )


def _render_http(runs: list[dict], meta: dict, *, commands: bool = True) -> list[str]:
    """The HTTP stage's section: a table per size (nothing for results made before it)."""
    staged = [run for run in runs if run.get("http")]
    if not staged:
        if meta.get("http_skipped"):
            return ["## Under gunicorn and wrk", "", f"Not run: {meta['http_skipped']}.", ""]
        return []
    first = next((run["http"] for run in staged if not run["http"].get("skipped")), {})
    out = ["## Under gunicorn and wrk", ""]
    if first:
        out += [
            f"`config.wsgi` served by gunicorn ({first['workers']} workers, sync) on "
            f"127.0.0.1 against the same benchmark database, with `DEBUG` off, a throwaway "
            f"`SECRET_KEY`, collected static files and the cache {first['cache']}. wrk "
            f"`-t{first['threads']} -c{first['connections']} -d{first['duration_s']:g}s "
            f"--latency --timeout {first['timeout']}` on each page after a "
            f"{first['warmup_s']:g} s warm-up, signed in as the Cabinet member by a session "
            "cookie; `/healthz` (not signed in: one `SELECT 1` and a cache round trip) first "
            "and last is the floor. **× floor** is the floor's requests/s divided by the "
            f"page's; the targets are ×{http_stage.HTML_TARGET} for every HTML page and "
            f"×{http_stage.SEARCH_TARGET} for the search (`q={first['search_word']}`, a word "
            "of the synthetic actions and updates). A page with errors (a status other than "
            "200 before or after its run, non-2xx/3xx responses, socket errors) is flagged "
            "and not judged.",
            "",
        ]
    for run in staged:
        out += [f"### {run['size']:,} actions", "", *http_stage.render_http_table(run["http"]), ""]
    if commands and first:
        out += [
            "To reproduce one page by hand (what the stage runs for each):",
            "",
            "```sh",
            *http_stage.reproduce(first),
            "```",
            "",
        ]
    return out


def render_report(data: dict) -> str:
    meta, runs = data["meta"], sorted(data["runs"], key=lambda r: r["size"])
    machine = meta["machine"]
    database = runs[0]["database"] if runs else {}
    sizes = ", ".join(f"{run['size']:,}" for run in runs)
    out = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (benchmarks/management/commands/bench.py); running it again "
        "rewrites this file, except a last section whose heading says it was added by hand "
        "and the soak's section (`make soak`).",
        "",
        f"- **Command:** `{meta['command']}`",
        f"- **Date:** {meta['date']}",
        f"- **Database:** {database.get('vendor', '?')} {database.get('version', '')}, "
        f"`{meta['database_url']}` ({meta['database_reason']}), dropped and recreated for "
        "each size",
        f"- **Machine:** {machine['nproc']} CPUs (`nproc`), {machine['memory']} memory, "
        f"{machine['cpu']}; {machine['os']}",
        f"- **Software:** Python {machine['python']}, Django {machine['django']}",
        f"- **Data:** `seed_synthetic --actions N --updates-per-action {meta['updates']} "
        f"--seed {meta['seed']}` for N in {sizes}",
        "",
        "## Pages",
        "",
        f"Queries per request, and the median server time over {meta['runs']} runs after one "
        "warm-up, signed in as a Cabinet member. "
        '"error: N" is the HTTP status the page answered with.',
        "",
        render_table(runs),
        "",
    ]
    notes = []
    for run in runs:
        for key, label, _ in PAGES:
            page = run["pages"].get(key) or {}
            if page.get("error") or (page.get("status") not in (200, None)):
                notes.append(
                    f"- {label} @{_size_label(run['size'])}: {page.get('status')} "
                    f"{page.get('error') or ''}".rstrip()
                )
            if page.get("note"):
                notes.append(f"- {label} @{_size_label(run['size'])}: {page['note']}.")
    if notes:
        out += ["Notes:", "", *notes, ""]
    out += ["## Against the targets", "", *_verdicts(runs), ""]
    out += _render_http(runs, meta)
    out += jobs_stage.render(runs)
    biggest = runs[-1] if runs else None
    where = []
    for key, label, _ in PAGES:
        page = (biggest or {"pages": {}})["pages"].get(key)
        if _failed(page) or "sql_ms" not in page:
            continue
        sql = _without_columns(page["slowest_sql"])
        sql = (sql[:160] + "…" if len(sql) > 160 else sql).replace("|", "\\|").replace("`", "'")
        where.append(
            f"| {label} | {page['counted_ms']:,.0f} | {page['sql_ms']:,.1f} | "
            f"{page['slowest_sql_ms']:,.1f} | `{sql}` |"
        )
    if where:
        out += [
            "",
            f"## Where the time goes at {biggest['size']:,} actions",
            "",
            "From the request whose queries were counted (so with the query log on): its "
            "time, the time spent in SQL, and the slowest query.",
            "",
            "| Page | Request ms | SQL ms | Slowest query ms | Slowest query |",
            "|---|---|---|---|---|",
            *where,
        ]
    out += [
        "",
        "## Seeding",
        "",
        "| Actions | Progress updates | Proposed council actions | Council input | Seed time |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        c = run["counts"]
        out.append(
            f"| {c['strategy actions']:,} | {c['progress updates']:,} | "
            f"{c['proposed council actions']:,} | {c['council input']:,} | "
            + (f"{run['seed_seconds']:.1f} s |" if run.get("seed_seconds") else "not seeded |")
        )
    out += [
        "",
        "## Method",
        "",
        "- For each size: drop and recreate the benchmark database, `migrate`, then seed one "
        "synthetic plan with `bulk_create` (benchmarks/synthetic.py), then `VACUUM (ANALYZE)` the "
        "whole database (on SQLite `ANALYZE`), as autovacuum would after a load, so every table "
        "has statistics and a visibility map. Each action's history is two rows: made (not "
        "started) before its first update, and changed by its latest report.",
        "- Pages are requested in-process with Django's test `Client`, signed in with "
        "`force_login` as a Cabinet member, with `DEBUG` off (no query log, no template debug "
        "information) and the project's middleware, sessions and `ATOMIC_REQUESTS`. Times run "
        "from the call to the last byte of the body (streams consumed in full); there is no "
        "network or web server in them.",
        "- Queries: `CaptureQueriesContext` around one request after the warm-up, including "
        "the session save that `SESSION_SAVE_EVERY_REQUEST` makes.",
        f"- The action page is the strategy action with the most proposed council actions; every "
        f"action has {meta['updates']} updates.",
        "- A page whose warm-up takes longer than 30 s is timed once.",
        "- Under gunicorn: see that section; wrk runs on the same machine as gunicorn and the "
        "database, so they share its CPUs.",
        "",
    ]
    return "\n".join(out)


# --- The command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Benchmark the plan's pages on synthetic plans of each --sizes (default 1,000 and "
        "10,000 actions): reset a benchmark database per size (BENCH_DATABASE_URL, else "
        "PostgreSQL tracker_bench at 127.0.0.1:5432 if it answers, else bench.sqlite3), "
        "migrate, seed, measure queries and median time per page, then (unless --no-http) "
        "requests/s and latency under gunicorn and wrk, print the tables and write --output. "
        "--measure measures one size in the current database (what each size runs); "
        "--report re-renders saved --results."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
        parser.add_argument("--updates", type=int, default=20, help="Updates per action.")
        parser.add_argument("--runs", type=int, default=5, help="Timed runs per page.")
        parser.add_argument("--pdf-runs", type=int, default=3, help="Timed runs of the PDF.")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--output", help="Write the report here (e.g. docs/benchmarks.md).")
        parser.add_argument("--results", help="JSON results file (kept if given).")
        parser.add_argument(
            "--pages", nargs="+", choices=PAGE_KEYS, help="Only these pages (default all)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--measure",
            action="store_true",
            help="Measure in the current database and append to --results (with --actions N: "
            "migrate and seed N actions first).",
        )
        mode.add_argument(
            "--report", action="store_true", help="Print (and --output) the saved --results."
        )
        mode.add_argument(
            "--job",
            choices=[kind for kind, _ in jobs_stage.JOBS],
            help="(Internal) make one download as the worker does; print its time and memory.",
        )
        parser.add_argument("--actions", type=int, help="With --measure: seed this many first.")
        parser.add_argument(
            "--force", action="store_true", help="Seed even when DEBUG is off (not production!)."
        )
        http = parser.add_argument_group("HTTP stage (gunicorn + wrk)")
        http.add_argument(
            "--no-http", action="store_true", help="Skip the HTTP stage (e.g. without wrk)."
        )
        http.add_argument(
            "--http",
            action="store_true",
            help="With --measure: run the HTTP stage too (the driver passes it unless --no-http).",
        )
        http.add_argument("--http-workers", type=int, default=2, help="gunicorn workers.")
        http.add_argument(
            "--http-duration", type=float, default=10, help="Seconds of wrk per page."
        )
        http.add_argument(
            "--http-warmup", type=float, default=2, help="Seconds of wrk before each (unrecorded)."
        )

    def handle(self, *args, **options):
        if options["job"]:
            result = jobs_stage.run_one(options["job"], bench_user())
            self.stdout.write(jobs_stage.MARKER + json.dumps(result))
            return None
        if options["measure"]:
            return self.measure(options)
        if options["report"]:
            if not options["results"]:
                raise CommandError("--report needs --results FILE.")
            return self.report(json.loads(Path(options["results"]).read_text()), options)
        return self.drive(options)

    # Each size, in its own process against its own fresh database.
    def drive(self, options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "bench seeds synthetic data: it refuses to run when DEBUG is off "
                "(give --force to run it anyway)."
            )
        url, reason = choose_database_url()
        kept = options["results"]
        results = Path(kept or tempfile.mkstemp(prefix="bench-", suffix=".json")[1])
        command = "manage.py " + shlex.join(sys.argv[1:])
        if os.environ.get("MAKELEVEL"):
            command = f"make bench  # runs: {command}"
        data = {
            "meta": {
                "command": command,
                "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                "database_url": _safe_url(url),
                "database_reason": reason,
                "machine": machine_description(),
                "updates": options["updates"],
                "seed": options["seed"],
                "runs": options["runs"],
                "pdf_runs": options["pdf_runs"],
            },
            "runs": [],
        }
        http = not options["no_http"]
        if options["no_http"]:
            data["meta"]["http_skipped"] = "--no-http was given"
        elif missing := http_stage.tools_missing():
            self.stdout.write(
                self.style.WARNING(f"Skipping the HTTP stage: {missing} (or give --no-http).")
            )
            data["meta"]["http_skipped"] = missing
            http = False
        results.write_text(json.dumps(data, indent=2))
        self.stdout.write(f"Benchmark database: {_safe_url(url)} ({reason})")
        try:
            for size in options["sizes"]:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{size:,} actions"))
                reset_database(url)
                child = [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "bench",
                    "--measure",
                    "--actions",
                    str(size),
                    "--updates",
                    str(options["updates"]),
                    "--runs",
                    str(options["runs"]),
                    "--pdf-runs",
                    str(options["pdf_runs"]),
                    "--seed",
                    str(options["seed"]),
                    "--results",
                    str(results),
                ]
                if options["pages"]:
                    child += ["--pages", *options["pages"]]
                if http:
                    child += [
                        "--http",
                        "--http-workers",
                        str(options["http_workers"]),
                        "--http-duration",
                        f"{options['http_duration']:g}",
                        "--http-warmup",
                        f"{options['http_warmup']:g}",
                    ]
                if options["force"]:
                    child.append("--force")
                self.stdout.flush()
                done = subprocess.run(child, env={**os.environ, "DATABASE_URL": url}, check=False)
                if done.returncode:
                    raise CommandError(f"Measuring {size:,} actions failed ({done.returncode}).")
            self.report(json.loads(results.read_text()), options)
        finally:
            if not kept:
                results.unlink(missing_ok=True)

    def measure(self, options):
        size = options["actions"]
        if size:
            if not settings.DEBUG and not options["force"]:
                raise CommandError(
                    "Synthetic data is for benchmarks, not production: refusing to seed when "
                    "DEBUG is off (give --force to seed anyway)."
                )
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write(f"Seeding {size:,} actions × {options['updates']} updates …")
            summary = synthetic.seed(
                actions=size, updates_per_action=options["updates"], seed=options["seed"]
            )
            for line in summary.lines():
                self.stdout.write(line)
        self.stdout.write("Measuring …")
        self.stdout.flush()
        run = measure(
            runs=options["runs"],
            pdf_runs=options["pdf_runs"],
            pages=options["pages"],
            log=self._say,
        )
        self.stdout.write("Background jobs …")
        run["jobs"] = jobs_stage.measure_jobs(Path(settings.BASE_DIR) / "manage.py", say=self._say)
        run["database"] = database_description()
        run["size"] = size or StrategyAction.objects.count()
        run["seed_seconds"] = summary.seconds if size else None
        run["counts"] = summary.counts if size else _counts()
        if options["http"] and not options["no_http"]:
            self.stdout.write("HTTP stage under gunicorn and wrk …")
            self.stdout.flush()
            run["http"] = http_stage.run_stage(
                user=bench_user(),
                action_id=run["action_id"],
                indicator_id=run.get("indicator_id"),
                public=run.get("public") or publish_for_bench(),
                workers=options["http_workers"],
                duration=options["http_duration"],
                warmup=options["http_warmup"],
                log=self._say,
            )
        if options["results"]:
            path = Path(options["results"])
            data = json.loads(path.read_text()) if path.exists() else {"meta": {}, "runs": []}
            data["runs"].append(run)
            path.write_text(json.dumps(data, indent=2))
        else:
            self.stdout.write(render_table([run]))

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def report(self, data: dict, options):
        runs = sorted(data["runs"], key=lambda r: r["size"])
        self.stdout.write("")
        self.stdout.write(render_table(runs))
        for line in _verdicts(runs):
            self.stdout.write(line)
        http = _render_http(runs, data.get("meta") or {}, commands=False)
        for line in ["", *http] if http else []:
            self.stdout.write(line)
        if options["output"]:
            output = Path(options["output"])
            previous = output.read_text() if output.exists() else ""
            kept = hand_written(previous)
            # The soak's section (`make soak`, benchmarks/soak.py) is kept as it is.
            output.write_text(
                soak.keep_section(previous, render_report(data) + (f"\n{kept}" if kept else ""))
            )
            self.stdout.write(
                f"Wrote {output}" + (" (kept its hand-written section)." if kept else ".")
            )


HAND_WRITTEN = "added by hand"


def hand_written(text: str) -> str:
    """The part of an earlier report from its first heading marked "(added by hand …)" on."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("## ") and HAND_WRITTEN in line:
            return "".join(lines[i:])
    return ""


def _counts() -> dict[str, int]:
    from actions.models import CouncilAction, CouncilInput, ProgressUpdate

    return {
        "strategy actions": StrategyAction.objects.count(),
        "progress updates": ProgressUpdate.objects.count(),
        "proposed council actions": CouncilAction.objects.count(),
        "council input": CouncilInput.objects.count(),
    }
